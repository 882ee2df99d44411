/**
 * The alarm sound: a two-tone beep made with WebAudio (no sound file to ship or to fail loading),
 * repeated every 2 s while an alarm waits for an operator's acknowledgement.
 *
 * Browsers keep an AudioContext suspended until the page has had a user gesture; the login click is
 * one, so `unlock()` is called there and the console can ring from then on.
 */
export class AlarmSound {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** How many beeps were started (also on the page as `data-beeps`, `data-ringing`): a test cannot hear. */
  beeps = 0;

  unlock(): void {
    if (this.context === null) {
      try {
        this.context = new AudioContext();
      } catch {
        // No audio device (a headless test browser, a locked-down desk): the banner still shows.
        return;
      }
    }
    void this.context.resume().catch(() => {});
  }

  /** Rings now and every `periodMs` until `stop()`. Idempotent. */
  start(periodMs = 2000): void {
    if (this.timer !== null) return;
    document.documentElement.dataset.ringing = "true";
    this.beep();
    this.timer = setInterval(() => this.beep(), periodMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    document.documentElement.dataset.ringing = "false";
  }

  get ringing(): boolean {
    return this.timer !== null;
  }

  private beep(): void {
    this.beeps += 1;
    document.documentElement.dataset.beeps = String(this.beeps);
    const context = this.context;
    if (context === null) return;
    const start = context.currentTime;
    // Two tones a fifth apart (880 Hz, 660 Hz), like the alarm tones of medical devices.
    for (const [offset, frequency] of [
      [0, 880],
      [0.22, 660],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = "square";
      oscillator.frequency.value = frequency;
      // A quick ramp avoids the click of a hard start and stop.
      gain.gain.setValueAtTime(0, start + offset);
      gain.gain.linearRampToValueAtTime(0.2, start + offset + 0.01);
      gain.gain.linearRampToValueAtTime(0, start + offset + 0.18);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.2);
    }
  }
}
