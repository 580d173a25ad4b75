// Placeholder module so src/index.ts compiles before gradcheck lands.
export {};
