/**
 * The map with tiles (issue 6: "the tile source taken from config"): a local tile server stands in
 * for the fleet's tile provider. Leaflet loads its tiles through the CSP (img-src names the
 * configured origin and nothing else), and shows the car and the configured attribution.
 */
import { createServer, type Server } from "node:http";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { axeViolations, carViewport, launchChromium, screenshot } from "../support/kiosk-browser.ts";
import { KioskRig } from "../support/kiosk-rig.ts";

/** A 1×1 grey PNG: Leaflet stretches it to a 256 px tile. */
const tilePng = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGO4DwABAQEAWk1v8QAAAABJRU5ErkJggg==",
  "base64",
);

let tiles: Server;
let tileRequests: string[] = [];
let rig: KioskRig;
let browser: Browser;
let page: Page;
const cspViolations: string[] = [];

beforeAll(async () => {
  tiles = createServer((request, response) => {
    tileRequests.push(request.url ?? "");
    response.writeHead(200, { "content-type": "image/png" }).end(tilePng);
  });
  await new Promise<void>((resolve) => tiles.listen(0, "127.0.0.1", () => resolve()));
  const tilePort = (tiles.address() as { port: number }).port;
  [rig, browser] = await Promise.all([
    KioskRig.start({
      equipment: false,
      config: {
        ui: {
          tiles: { url: `http://127.0.0.1:${tilePort}/{z}/{x}/{y}.png`, attribution: "© tuiles de test" },
        },
      },
    }),
    launchChromium(),
  ]);
  page = await (await browser.newContext({ viewport: carViewport })).newPage();
  // Generous: on a loaded 2-core CI box a delivery state can take seconds to come back.
  page.setDefaultTimeout(20_000);
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(rig.uiAddress);
  await page.locator("[data-testid=header-gnss][data-state=fix]").waitFor({ timeout: 20_000 });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
  await new Promise((resolve) => tiles?.close(resolve));
});

describe("the map with configured tiles", () => {
  it("draws the tiles of the configured origin, the car and the attribution, within the CSP", async () => {
    tileRequests = [];
    await page.getByTestId("tab-map").click();
    await page.locator(".leaflet-tile-loaded").first().waitFor();
    await page.locator("path.map-car").waitFor();
    await expect(page.locator(".leaflet-control-attribution").textContent()).resolves.toContain(
      "© tuiles de test",
    );
    expect(tileRequests.some((url) => /^\/\d+\/\d+\/\d+\.png$/.test(url))).toBe(true);
    await expect(page.getByTestId("plot-map").count()).resolves.toBe(0);
    await screenshot(page, "map-tiles-fr");
    expect(cspViolations).toEqual([]);
    // Leaflet's own zoom buttons are enlarged to the screen's 15 mm targets too.
    expect(await axeViolations(page)).toEqual([]);
    const zoom = await page.locator(".leaflet-control-zoom-in").boundingBox();
    expect(zoom?.height).toBeGreaterThanOrEqual((15 * 96) / 25.4 - 0.5);
  });
});
