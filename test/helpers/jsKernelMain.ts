// Entry point of a kernel process that runs the test JavaScript executor:
//   node jsKernelMain.js --connection-file FILE
// `node --test dist/test/` also loads every .js under test/, this one included; without
// a connection file it therefore does nothing instead of failing.
import { startKernel } from "../../kernel/kernelMain.js";
import { createJsCellExecutor } from "./jsCellExecutor.js";

const at = process.argv.indexOf("--connection-file");
if (at >= 0 && process.argv[at + 1]) {
  await startKernel(process.argv[at + 1], () => createJsCellExecutor());
}
