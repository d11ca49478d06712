/** Read a server-sent-events body into parsed events. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: any;
}

export class SseReader {
  readonly events: SseEvent[] = [];
  private buffer = "";
  private done = false;
  private readonly decoder = new TextDecoder();

  constructor(private readonly body: ReadableStream<Uint8Array>) {
    void this.pump();
  }

  private async pump() {
    const reader = this.body.getReader();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        this.buffer += this.decoder.decode(value, { stream: true });
        let i: number;
        while ((i = this.buffer.indexOf("\n\n")) >= 0) {
          const block = this.buffer.slice(0, i);
          this.buffer = this.buffer.slice(i + 2);
          const ev: Partial<SseEvent> & { dataText?: string } = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const [k, ...rest] = line.split(":");
            const v = rest.join(":").replace(/^ /, "");
            if (k === "id") ev.id = v;
            else if (k === "event") ev.event = v;
            else if (k === "data") ev.dataText = (ev.dataText ? ev.dataText + "\n" : "") + v;
          }
          if (ev.dataText !== undefined) this.events.push({ id: ev.id, event: ev.event, data: JSON.parse(ev.dataText) });
        }
      }
    } catch {
      /* aborted */
    } finally {
      this.done = true;
    }
  }

  async waitFor(pred: (events: SseEvent[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!pred(this.events)) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (have ${this.events.length} events)`);
      if (this.done) throw new Error(`stream ended while waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
