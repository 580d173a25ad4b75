// Entry point of a kernel process that runs the test JavaScript executor:
//   node jsKernelMain.js --connection-file FILE
import { startKernel } from "../../kernel/kernelMain.js";
import { createJsCellExecutor } from "./jsCellExecutor.js";

const at = process.argv.indexOf("--connection-file");
if (at < 0 || !process.argv[at + 1]) {
  process.stderr.write("usage: jsKernelMain.js --connection-file FILE\n");
  process.exit(2);
}
await startKernel(process.argv[at + 1], () => createJsCellExecutor());
