// Module graph rules, checked by `npm run lint` (part of `npm test`).
//
// src/ is layered, each layer importing only from the layers before it:
//   core     tensor/, random/, backend/, displayHost.ts, info.ts, plus the parts of autodiff/
//            and ops/ every tensor needs: the op registry, grad mode, anomaly checks, pytrees
//            and the TensorLike conversions
//   ops      ops/ (the op definitions and the elementwise fusion)
//   autodiff autodiff/ (backward pass, transforms, gradient checks), engine.ts
//   plot     plot/ (figures; uses autodiff for derivatives and graphs, never learning)
//   learning loss/, optim/, train/, data/, analyze/ (train and analyze draw figures)
//   widgets  widgets/ (Jupyter widgets and interact: they need only the neutral display host)
//   entry    index.ts, imported by nothing inside src/
// Type-only imports are exempt from the layer and cycle rules: they vanish at compile time
// (e.g. the wasm backend implements the fused-evaluator interface the ops declare).
// kernel/ is the Jupyter side: it may use src/'s display host and figure HTML, never tensors
// or autodiff, and src/ never imports kernel/.
const CORE_IN_HIGHER_DIRS = [
  "^src/autodiff/(opRegistry|gradMode|anomalyCheck|pytree)\\.ts$",
  "^src/ops/tensorLike\\.ts$",
];
const CORE = ["^src/(tensor|random|backend)/", "^src/(displayHost|info)\\.ts$", ...CORE_IN_HIGHER_DIRS];
const OPS = "^src/ops/";
const AUTODIFF = ["^src/autodiff/", "^src/engine\\.ts$"];
const PLOT = "^src/plot/";
const LEARNING = "^src/(loss|optim|train|data|analyze)/";
const ENTRY = "^src/index\\.ts$";
const WIDGETS = "^src/widgets/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Import cycles make a module's behaviour depend on which module was imported first.",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
    },
    {
      name: "no-import-of-entry",
      severity: "error",
      comment: "Import from the defining file, never the package entry (it imports everything).",
      from: { path: "^src/" },
      to: { path: ENTRY },
    },
    {
      name: "core-imports-core",
      severity: "error",
      from: { path: CORE },
      to: { path: "^src/", pathNot: CORE, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "ops-below-autodiff",
      severity: "error",
      from: { path: OPS },
      to: {
        path: [...AUTODIFF, PLOT, LEARNING],
        pathNot: CORE_IN_HIGHER_DIRS,
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "autodiff-below-plot-and-learning",
      severity: "error",
      from: { path: AUTODIFF },
      to: { path: [PLOT, LEARNING], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "plot-below-learning",
      severity: "error",
      from: { path: PLOT },
      to: { path: LEARNING, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "widgets-on-the-display-host",
      severity: "error",
      comment: "Widgets talk to front ends through the display host; any value can be shown by interact.",
      from: { path: WIDGETS },
      to: { path: "^src/", pathNot: [WIDGETS, "^src/displayHost\\.ts$"], dependencyTypesNot: ["type-only"] },
    },
    {
      name: "nothing-below-widgets-uses-them",
      severity: "error",
      from: { path: "^src/", pathNot: [WIDGETS, ENTRY] },
      to: { path: WIDGETS },
    },
    {
      name: "src-not-to-kernel",
      severity: "error",
      comment: "The library knows nothing of Jupyter.",
      from: { path: "^src/" },
      to: { path: "^kernel/" },
    },
    {
      name: "kernel-not-to-tensors",
      severity: "error",
      comment:
        "The kernel uses only the library's display host and figure HTML, not its tensors or autodiff.",
      from: { path: "^kernel/" },
      to: { path: "^src/", pathNot: ["^src/displayHost\\.ts$", "^src/plot/(figureHtml|plotlyLoader)\\.ts$"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
