/**
 * llmmon's native sampler (`@llmmon/sampler-native`) as the suite uses it: one `Sampler` per
 * rate, a window opened before each event and closed after it (what `trackOperation` does).
 */
import { Sampler, type WindowStats } from '@llmmon/sampler-native';

export class LlmmonTool {
  readonly id: string;
  readonly label: string;
  readonly sampler: Sampler;

  constructor(readonly intervalMs: number) {
    this.id = `llmmon-${intervalMs}ms`;
    this.label = `llmmon native @ ${intervalMs === 1 ? '1 kHz' : `${1000 / intervalMs} Hz`}`;
    this.sampler = new Sampler({ intervalMs });
  }

  start(): this {
    this.sampler.start();
    return this;
  }

  stop(): void {
    this.sampler.stop();
  }

  open(): number {
    return this.sampler.openWindow();
  }

  close(id: number): WindowStats {
    return this.sampler.closeWindow(id);
  }
}
