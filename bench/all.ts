// `npm run bench`: the core, kernel and training suites one after another, each printing its
// table and writing out/bench/<suite>-latest.json. `--quick` passes through (a smoke run).
import { parseCoreArgs, runCoreBench } from "./coreBench.js";
import { runKernelBench } from "./kernelBench.js";
import { runTrainBench } from "./trainBench.js";

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
console.log("## core (issue 2)\n");
await runCoreBench(parseCoreArgs(argv));
console.log("\n## kernel (issue 3)\n");
await runKernelBench({ quick });
console.log("\n## training (issue 4)\n");
await runTrainBench({ quick });
