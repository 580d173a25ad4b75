// Placeholder module so src/index.ts compiles before its owner lands the plot namespace.
export {};
