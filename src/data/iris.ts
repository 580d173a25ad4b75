// The Iris data set as a gradlab Dataset.
import { makeDataset, type Dataset } from "./dataset.js";
import { IRIS_CITATION, IRIS_FEATURES, IRIS_ROWS, IRIS_SPECIES } from "./irisRows.js";

/**
 * Fisher's Iris data (1936, public domain): x [150, 4] in cm (sepal length, sepal width,
 * petal length, petal width), y int32 [150]: 0 setosa, 1 versicolor, 2 virginica. Rows in
 * the original order (50 of each species); shuffle or `data.split` before mini-batching.
 *
 * @example
 * const ds = data.iris();
 * ds.classNames; // ["setosa", "versicolor", "virginica"]
 * ds.citation;   // Fisher (1936) ...
 */
export function iris(): Dataset {
  return makeDataset(
    "iris",
    "classification",
    IRIS_ROWS.map((r) => [...r]),
    IRIS_ROWS.map((_, i) => Math.floor(i / 50)),
    {
      featureNames: [...IRIS_FEATURES],
      classNames: [...IRIS_SPECIES],
      citation: IRIS_CITATION,
    },
  );
}
