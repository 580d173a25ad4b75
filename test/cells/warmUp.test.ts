// warmUp() primes the compiler, the checker and the library for the first cell, and leaves
// no trace in the notebook's state.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NotebookHarness, expectError } from "./cellHarness.js";

test("warmUp declares nothing and the next cells run as in a cold kernel", async () => {
  const nb = new NotebookHarness();
  await nb.executor.warmUp!();
  const err = expectError((await nb.run("tensor([1])")).outcome);
  assert.match(err.evalue, /Cannot find name 'tensor'/);
  assert.equal(await nb.value('import { tensor } from "gradlab";\ntensor([1, 2]).sum().item()'), "3");
});
