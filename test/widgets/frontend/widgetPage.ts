// A minimal notebook front end for the browser tests: a kernel from Jupyter Server through
// @jupyterlab/services, widgets rendered by the official manager (@jupyter-widgets/base-manager,
// controls, output), plotly figures drawn with plotly.js. Bundled by esbuild at test time.
// The Output model captures the iopub messages parented to its msg_id, as JupyterLab's does.
import { KernelManager, ServerConnection, type Kernel, type KernelMessage } from "@jupyterlab/services";
import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import * as outputs from "@jupyter-widgets/output";
import { Widget as LuminoWidget } from "@lumino/widgets";
import Plotly from "plotly.js-cartesian-dist-min";
import "@jupyter-widgets/controls/css/widgets-base.css";

type Output = { output_type: string; data?: Record<string, unknown>; text?: string; name?: string };

let theKernel: Kernel.IKernelConnection;

class OutputModel extends outputs.OutputModel {
  private hook: ((msg: KernelMessage.IIOPubMessage) => boolean) | undefined;
  private hookedId = "";
  private clearOnNext = false;

  override initialize(
    attributes: Backbone.ObjectHash,
    options: { model_id: string; comm?: unknown; widget_manager: unknown },
  ): void {
    super.initialize(attributes, options as never);
    this.on("change:msg_id", () => this.capture(this.get("msg_id") as string));
  }

  private capture(msgId: string): void {
    if (this.hook) theKernel.removeMessageHook(this.hookedId, this.hook);
    this.hook = undefined;
    if (!msgId) return;
    this.hookedId = msgId;
    this.hook = (msg) => {
      const type = msg.header.msg_type;
      const content = msg.content as Record<string, unknown>;
      if (type === "clear_output") {
        if (content.wait) this.clearOnNext = true;
        else this.set("outputs", []);
        return false;
      }
      if (type !== "display_data" && type !== "stream" && type !== "execute_result" && type !== "error")
        return true;
      const list: Output[] = this.clearOnNext ? [] : [...((this.get("outputs") as Output[]) ?? [])];
      this.clearOnNext = false;
      list.push({
        output_type: type,
        data: content.data as Record<string, unknown>,
        text: content.text as string,
        name: content.name as string,
      });
      this.set("outputs", list);
      return false;
    };
    theKernel.registerMessageHook(msgId, this.hook);
  }
}

class OutputView extends outputs.OutputView {
  override render(): void {
    this.listenTo(this.model, "change:outputs", () => this.draw());
    this.draw();
  }

  private draw(): void {
    const el = this.luminoWidget.node;
    el.replaceChildren();
    for (const out of (this.model.get("outputs") as Output[]) ?? []) el.appendChild(renderOutput(out));
  }
}

function renderOutput(out: Output): HTMLElement {
  const plotly = out.data?.["application/vnd.plotly.v1+json"] as
    { data: unknown[]; layout: object } | undefined;
  if (plotly) {
    const div = document.createElement("div");
    div.className = "figure";
    div.style.width = "600px";
    void Plotly.newPlot(div, plotly.data as never, plotly.layout as never);
    return div;
  }
  if (out.data?.["application/vnd.jupyter.widget-view+json"]) {
    const div = document.createElement("div");
    void showView(out.data["application/vnd.jupyter.widget-view+json"] as { model_id: string }, div);
    return div;
  }
  const pre = document.createElement("pre");
  pre.className = out.output_type === "stream" ? `stream ${out.name}` : "text";
  pre.textContent = out.text ?? String(out.data?.["text/plain"] ?? "");
  return pre;
}

class PageManager extends ManagerBase {
  constructor(private readonly kernel: Kernel.IKernelConnection) {
    super();
    kernel.registerCommTarget("jupyter.widget", async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg as never);
    });
  }

  protected async loadClass(
    className: string,
    moduleName: string,
  ): Promise<typeof base.WidgetModel | typeof base.WidgetView> {
    if (moduleName === "@jupyter-widgets/output")
      return className === "OutputModel" ? (OutputModel as never) : (OutputView as never);
    const mod = (moduleName === "@jupyter-widgets/base" ? base : controls) as unknown as Record<
      string,
      never
    >;
    if (!mod[className]) throw new Error(`no class ${className} in ${moduleName}`);
    return mod[className];
  }

  protected async _create_comm(
    targetName: string,
    modelId?: string,
    data?: unknown,
    metadata?: unknown,
    buffers?: ArrayBuffer[],
  ): Promise<base.IClassicComm> {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data as never, metadata as never, buffers);
    return new base.shims.services.Comm(comm);
  }

  protected _get_comm_info(): Promise<Record<string, never>> {
    return Promise.resolve({});
  }
}

let manager: PageManager;

async function showView(view: { model_id: string }, el: HTMLElement): Promise<void> {
  const model = await manager.get_model(view.model_id);
  const widget = await manager.create_view(model);
  LuminoWidget.attach(widget.luminoWidget, el);
}

/** Starts a gradlab kernel and exposes `run(code)` to the test. */
async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const baseUrl = params.get("server")!;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, "ws"),
    token: params.get("token")!,
    appendToken: true,
  });
  const kernels = new KernelManager({ serverSettings });
  theKernel = await kernels.startNew({ name: params.get("kernel") ?? "gradlab" });
  manager = new PageManager(theKernel);
  const area = document.getElementById("cells")!;
  (window as unknown as { run: (code: string) => Promise<string> }).run = async (code: string) => {
    const cell = document.createElement("div");
    cell.className = "cell";
    area.appendChild(cell);
    const future = theKernel.requestExecute({ code });
    future.onIOPub = (msg) => {
      const type = msg.header.msg_type;
      if (type === "display_data" || type === "execute_result" || type === "stream" || type === "error") {
        const content = msg.content as Record<string, unknown>;
        cell.appendChild(
          renderOutput({
            output_type: type,
            data: content.data as Record<string, unknown>,
            text:
              (content.text as string) ??
              (type === "error" ? `${content.ename}: ${content.evalue}` : undefined),
            name: content.name as string,
          }),
        );
      }
    };
    const reply = await future.done;
    return reply.content.status;
  };
  document.body.dataset.ready = "yes";
}

void start().catch((err: Error) => {
  document.body.dataset.ready = "failed";
  document.body.dataset.error = String(err?.stack ?? err);
});
