/**
 * The Fleet view's live panel in Chromium against the real server bridged to the machine's Mosquitto: vehicle
 * telemetry published by this test at 10 Hz appears on the map and in the table with its last update, sync latency
 * and drift; a vehicle that falls silent turns stale; the MQTT link's state is shown; "Fork what-if" copies the fleet
 * into a paused simulation, opens it, and a change made in the intervention console (brake now) plays out there.
 * Axe-clean at each step; screenshots at 1440 and 1024 px: test-output/screenshots/fleet-live-*.png.
 */
import { DoppelClient, type TwinVehicle } from '@doppel/client';
import { serviceAvailable } from '@doppel/test-support';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { browserView, skipBrowser } from './browser-helpers.js';

const BROKER = 'mqtt://127.0.0.1:1883';
const mosquitto = await serviceAvailable('Mosquitto', 1883, 'the live panel of the Fleet view');

/** A physical vehicle driving straight along +x at a constant speed, as its gateway reports it. */
interface Driving {
  readonly id: string;
  readonly x0: number;
  readonly y: number;
  readonly speed: number;
}

describe.skipIf(skipBrowser || !mosquitto)('web Fleet view: the live panel (Chromium, Mosquitto)', () => {
  const view = browserView('fleet-live', { width: 1440, height: 900 }, { mqttUrl: BROKER });
  const { shot, expectAxeClean } = view;
  const panel = () => view.page.getByRole('region', { name: 'Live fleet' });
  const row = (id: string) => panel().locator(`tr[data-vehicle="${id}"]`);
  let publisher: MqttClient | null = null;
  let timer: ReturnType<typeof setInterval> | undefined;
  let vehicles: TwinVehicle[] = [];

  afterAll(async () => {
    clearInterval(timer);
    await publisher?.endAsync();
  });

  const openFleet = async (): Promise<void> => {
    await view.page.goto(`${view.rig.startUrl.split('#')[0]}#/fleet`);
    await panel().waitFor({ timeout: 60_000 });
  };

  it('shows the MQTT link and says how to feed it while no vehicle reports', async () => {
    await view.page.goto(view.rig.startUrl);
    await view.page.waitForURL(/#\/city\//, { timeout: 60_000 });
    await openFleet();
    await expect
      .poll(() => panel().locator('[data-link]').textContent(), { timeout: 30_000 })
      .toBe(`● MQTT connected to ${BROKER}`);
    expect(await panel().textContent()).toContain('No vehicle is sending telemetry');
    await expectAxeClean('fleet live panel, empty');
    await shot('01-empty-1440');
  }, 120_000);

  it('mirrors the vehicles this test publishes: last update, sync latency, drift, and a silent one turns stale', async () => {
    const rest = new DoppelClient({ baseUrl: view.rig.server.url, apiKey: view.rig.key });
    vehicles = [
      await rest.twin.createVehicle({ physical_vehicle_id: 'AV-501', model_type: 'sedan' }),
      await rest.twin.createVehicle({ physical_vehicle_id: 'AV-502', model_type: 'van' }),
      await rest.twin.createVehicle({ physical_vehicle_id: 'AV-503', model_type: 'truck' }),
    ];
    const [lead, follower, parked] = vehicles as [TwinVehicle, TwinVehicle, TwinVehicle];
    publisher = await mqtt.connectAsync(BROKER);
    const client = publisher;
    // The lead and its follower 30 m behind at 54 km/h on one lane; the parked truck reports once, then falls silent.
    const driving: Driving[] = [
      { id: lead.id, x0: 30, y: 0, speed: 15 },
      { id: follower.id, x0: 0, y: 0, speed: 15 },
    ];
    const started = Date.now();
    const publish = (id: string, state: Record<string, number>): void => {
      client.publish(`doppel/fleet/telemetry/${id}`, JSON.stringify({ ts: Date.now(), state }));
    };
    publish(parked.id, { x_m: 60, y_m: 12, heading_deg: 90, speed_mps: 0 });
    timer = setInterval(() => {
      const t = (Date.now() - started) / 1000;
      for (const v of driving)
        publish(v.id, { x_m: v.x0 + v.speed * t, y_m: v.y, heading_deg: 0, speed_mps: v.speed, accel_mps2: 0 });
    }, 100);

    await expect.poll(() => panel().locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    await expect.poll(() => row(parked.id).getAttribute('data-status'), { timeout: 10_000 }).toBe('stale');
    for (const v of [lead, follower]) {
      expect(await row(v.id).getAttribute('data-status')).toBe('live');
      expect(await row(v.id).locator('[data-field="age"]').textContent()).toMatch(/^\d+ ms ago$/);
      expect(await row(v.id).locator('[data-field="latency"]').textContent()).toMatch(/\d+ ms/);
      // A constant speed along a line: the twin's prediction meets the next sample within centimetres.
      await expect
        .poll(() => row(v.id).locator('[data-field="drift"]').textContent(), { timeout: 10_000 })
        .toMatch(/^0\.\d\d m$/);
      expect(await row(v.id).locator('[data-field="speed"]').textContent()).toBe('54.0 km/h');
    }
    expect(await row(parked.id).textContent()).toMatch(/Stale/);
    expect(await row(parked.id).locator('[data-field="age"]').textContent()).toMatch(/s ago$/);
    expect(await panel().textContent()).toContain('2 live · 1 stale');
    const map = panel().getByTestId('live-map');
    expect(await map.getAttribute('aria-label')).toMatch(/2 live, 1 stale/);
    expect(await map.locator('g[data-vehicle]').count()).toBe(3);
    await expectAxeClean('fleet live panel, mirroring');
    await shot('02-mirroring-1440');
  }, 120_000);

  it('forks the fleet into a paused what-if, where braking the lead now plays out on the copy', async () => {
    const [lead, follower] = vehicles as [TwinVehicle, TwinVehicle];
    await panel()
      .getByRole('button', { name: /Fork what-if \(all\)/ })
      .click();
    await view.page.waitForURL(/#\/fleet\/[^/?]+/, { timeout: 60_000 });
    await expect.poll(() => view.page.getByTestId('sim-state').textContent(), { timeout: 30_000 }).toMatch(/ready/);
    await expect.poll(() => view.page.getByRole('note').textContent(), { timeout: 30_000 }).toMatch(/What if\?/);
    const canvas = view.page.getByTestId('road-canvas');
    await expect
      .poll(() => canvas.getAttribute('aria-label'), { timeout: 30_000 })
      .toMatch(/3 vehicle\(s\) under test/);
    const inspector = view.page.getByRole('complementary', { name: 'Inspector' });
    expect(await inspector.getByRole('heading', { level: 2 }).first().textContent()).toContain(lead.id);
    await expectAxeClean('fleet what-if fork, paused');
    await shot('03-fork-paused-1440');

    // What if the lead braked now? An external command on the copy, then run it flat out.
    const console_ = inspector.getByRole('region', { name: 'Intervention console' });
    await console_.getByRole('button', { name: /External command/ }).click();
    await console_.getByLabel(/accel/i).fill('-6');
    await console_.getByRole('button', { name: /Apply: External command/ }).click();
    await expect.poll(() => console_.textContent(), { timeout: 10_000 }).toMatch(/CONFIRMED|PENDING/i);
    await view.page.getByRole('button', { name: 'Speed max' }).click();
    await view.page.getByRole('button', { name: 'Play (space)' }).click();
    await expect.poll(() => view.page.getByTestId('sim-state').textContent(), { timeout: 60_000 }).toMatch(/finished/);
    await expect.poll(() => view.page.getByTestId('vehicle-speed').textContent(), { timeout: 10_000 }).toBe('0.0 km/h');
    // The follower's AEB stopped it behind the lead, or it hit: either way the copy says so, the mirror is untouched.
    const rest = new DoppelClient({ baseUrl: view.rig.server.url, apiKey: view.rig.key });
    const live = await rest.twin.live();
    expect(live.vehicles.find((v) => v.vehicle_id === follower.id)).toMatchObject({ status: 'live' });
    expect(live.vehicles.find((v) => v.vehicle_id === lead.id)?.measured.speed_mps).toBe(15);
    await expectAxeClean('fleet what-if fork, finished');
    await shot('04-fork-finished-1440');
  }, 150_000);

  it('fits a 1024 px window: the map above the table, every column readable', async () => {
    await view.page.setViewportSize({ width: 1024, height: 768 });
    await openFleet();
    await expect.poll(() => panel().locator('tbody tr').count(), { timeout: 30_000 }).toBe(3);
    const table = panel().getByRole('table', { name: 'Mirrored vehicles' });
    const box = await table.boundingBox();
    const wrap = await panel().boundingBox();
    expect(box).not.toBeNull();
    expect(wrap).not.toBeNull();
    // No column cut off: the table fits inside the panel.
    expect(box!.x + box!.width).toBeLessThanOrEqual(wrap!.x + wrap!.width + 1);
    await expectAxeClean('fleet live panel at 1024 px');
    await shot('05-mirroring-1024');
    await view.page.getByRole('button', { name: new RegExp(`Fork what-if from ${vehicles[1]!.id}`) }).click();
    await view.page.waitForURL(/#\/fleet\/[^/?]+/, { timeout: 60_000 });
    const canvas = view.page.getByTestId('road-canvas');
    await expect
      .poll(() => canvas.getAttribute('aria-label'), { timeout: 30_000 })
      .toMatch(/1 vehicle\(s\) under test/);
    await expectAxeClean('fleet what-if fork of one vehicle at 1024 px');
    await shot('06-fork-one-1024');
  }, 120_000);
});
