// data: seeded teaching datasets and one small real one (Iris).
export { type Dataset, split, takeRows } from "./dataset.js";
export { moons, circles, spirals, blobs, linear, polynomial, sine } from "./synthetic.js";
export { iris } from "./iris.js";
export { IRIS_CITATION } from "./irisRows.js";
