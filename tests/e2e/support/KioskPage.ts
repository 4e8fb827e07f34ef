import type { Page } from 'playwright-core';

/** The kiosk as a photographer sees it: one method per thing they do. */
export class KioskPage {
  constructor(readonly page: Page) {}

  async open(launchUrl: string): Promise<void> {
    await this.page.goto(launchUrl);
  }

  async login(pin: string): Promise<void> {
    await this.page.getByTestId('pin-input').fill(pin);
    await this.page.getByTestId('pin-submit').click();
  }

  async openTask(code: string): Promise<void> {
    await this.page.getByTestId(`task-card-${code}`).click();
  }

  async search(query: string): Promise<void> {
    const input = this.page.getByTestId('search-input');
    await input.fill(query);
  }

  results() {
    return this.page.getByTestId('search-result');
  }

  card() {
    return this.page.getByTestId('student-card');
  }
}
