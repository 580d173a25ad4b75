#!/usr/bin/env node
// The gradlab command line. Each subcommand is one `program.command(...)` block; add new
// ones the same way (their actions import their modules lazily to keep startup fast).
import { Command, Option } from "commander";
import type { InstallScope } from "./install/kernelspecLocation.js";
import { registerRunnerCommands } from "./runner/runCommand.js";

/** The `gradlab` program; subcommands: kernel, install, uninstall. */
export const program = new Command("gradlab")
  .description("gradlab: a Jupyter kernel for TypeScript with autodiff and Plotly figures")
  .showHelpAfterError();

program
  .command("kernel")
  .description("run the kernel (this is what kernel.json runs)")
  .requiredOption("-f, --connection-file <file>", "Jupyter connection file")
  .option("--warm-up", "load the compiler and gradlab at launch (the default)")
  .option("--no-warm-up", "load them on the first cell instead (less memory at rest, slower first cell)")
  .action(async (opts: { connectionFile: string; warmUp?: boolean }) => {
    // The executor (and the TypeScript compiler it loads) is imported only after the I/O
    // worker has started binding the sockets, so heartbeat and kernel_info answer early.
    const { startKernel } = await import("./kernelMain.js");
    await startKernel(
      opts.connectionFile,
      async (o) => (await import("./cellExecutorEntry.js")).createTypeScriptExecutor(o),
      { warmUp: opts.warmUp !== false },
    );
  });

function scopeOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option("--user", "the per-user Jupyter data folder (default)").conflicts(["sysPrefix", "prefix"]),
    )
    .addOption(
      new Option("--sys-prefix", "the active Python environment's share/jupyter").conflicts(["prefix"]),
    )
    .addOption(new Option("--prefix <dir>", "<dir>/share/jupyter"))
    .option("--name <name>", "kernelspec name", "gradlab");
}

function scopeOf(opts: { sysPrefix?: boolean; prefix?: string }): InstallScope {
  if (opts.prefix !== undefined) return { kind: "prefix", dir: opts.prefix };
  if (opts.sysPrefix) return { kind: "sys-prefix" };
  return { kind: "user" };
}

scopeOptions(program.command("install"))
  .description("install the gradlab kernelspec (no Python or jupyter needed)")
  .option("--display-name <text>", "name shown in front ends", "TypeScript (gradlab)")
  .addOption(
    new Option("--interrupt-mode <mode>", "how front ends interrupt")
      .choices(["signal", "message"])
      .default("message"),
  )
  .option(
    "--no-warm-up",
    "kernels load the compiler on their first cell instead of at launch (less memory at rest, slower first cell)",
  )
  .action(
    async (opts: {
      sysPrefix?: boolean;
      prefix?: string;
      name: string;
      displayName: string;
      interruptMode: "signal" | "message";
      warmUp?: boolean;
    }) => {
      const { installKernelspec } = await import("./install/kernelspec.js");
      const dir = installKernelspec({
        scope: scopeOf(opts),
        name: opts.name,
        displayName: opts.displayName,
        interruptMode: opts.interruptMode,
        warmUp: opts.warmUp !== false,
      });
      process.stdout.write(`Installed kernelspec ${opts.name} in ${dir}\n`);
      const { primeCompilerCacheOf } = await import("./install/compilerCache.js");
      const primed = primeCompilerCacheOf();
      if (primed !== undefined) process.stdout.write(`${primed}\n`);
      if (opts.prefix !== undefined) {
        // Jupyter searches a custom prefix only when told to.
        const { jupyterPathHint } = await import("./install/kernelspecLocation.js");
        process.stdout.write(`${jupyterPathHint(opts.prefix)}\n`);
      }
    },
  );

program
  .command("prime-cache", { hidden: true })
  .description("fill the compiler's code cache (gradlab install runs this with the kernel's node options)")
  .action(async () => {
    const { primeCompilerCache } = await import("./cells/compilerCachePrimer.js");
    const file = await primeCompilerCache();
    process.stdout.write(file === undefined ? "cache already usable or off\n" : `${file}\n`);
  });

scopeOptions(program.command("uninstall"))
  .description("remove the gradlab kernelspec")
  .action(async (opts: { sysPrefix?: boolean; prefix?: string; name: string }) => {
    const { uninstallKernelspec } = await import("./install/kernelspec.js");
    const dir = uninstallKernelspec({ scope: scopeOf(opts), name: opts.name });
    process.stdout.write(
      dir
        ? `Removed kernelspec ${opts.name} from ${dir}\n`
        : `No kernelspec named ${opts.name} is installed there\n`,
    );
  });

registerRunnerCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`gradlab: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
