// Placeholder module so src/index.ts compiles before checkDifferentiable lands.
export {};
