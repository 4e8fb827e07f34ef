import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { Gphoto2AddonBackend } from '../../src/main/camera/gphoto2/Gphoto2AddonBackend.js';
import type { Gphoto2Status } from '../../src/main/camera/gphoto2/Gphoto2Backend.js';
import { CameraHotplug, cameraMaker, loadUsbSource, type HotplugEvent, type UsbDeviceLike, type UsbEventSource } from '../../src/main/camera/usbHotplug.js';
import { until, virtualCameraRig } from './gphoto2Rig.js';

/**
 * USB hot-plug (issue 17): which devices count as cameras, from descriptors of real bodies (ids from
 * libgphoto2's hwdb, /usr/lib/udev/hwdb.d/20-libgphoto2-6.hwdb, and the kernel's usb.ids,
 * 20-usb-vendor-model.hwdb); the `usb` module loaded for real and its fallback taken for real; and
 * the in-process backend opening the camera on an attach event rather than at its next search.
 */

const device = (idVendor: number, idProduct: number, interfaces: number[] | 'unreadable', bDeviceClass = 0): UsbDeviceLike => ({
  deviceDescriptor: { idVendor, idProduct, bDeviceClass },
  get configDescriptor() {
    if (interfaces === 'unreadable') throw new Error('LIBUSB_ERROR_ACCESS');
    return { interfaces: interfaces.map((c) => [{ bInterfaceClass: c }]) };
  },
});

// Bodies: a PTP interface (06/01/01) as every body in libgphoto2's list shows it.
const RECORDED: [string, UsbDeviceLike, string | null][] = [
  ['Nikon D750 (04b0:0437)', device(0x04b0, 0x0437, [6]), 'Nikon'],
  ['Nikon D850 (04b0:0441)', device(0x04b0, 0x0441, [6]), 'Nikon'],
  ['Canon EOS (04a9:3281)', device(0x04a9, 0x3281, [6]), 'Canon'],
  ['Sony ILCE-7M3 in PC remote mode (054c:0c34)', device(0x054c, 0x0c34, [6]), 'Sony'],
  ['Panasonic Lumix in PTP mode (04da:2374)', device(0x04da, 0x2374, [6]), 'Panasonic'],
  ['Olympus (07b4:0130)', device(0x07b4, 0x0130, [6]), 'Olympus'],
  ['a Nikon whose descriptor cannot be read yet (no permission)', device(0x04b0, 0x0437, 'unreadable'), 'Nikon'],
  ['a PTP camera of another maker (class 6 on the device)', device(0x2672, 0x0047, [], 6), null],
];
const NOT_CAMERAS: [string, UsbDeviceLike][] = [
  ['a keyboard (046d:c31c, HID)', device(0x046d, 0xc31c, [3])],
  ['a USB stick (0781:5567, mass storage)', device(0x0781, 0x5567, [8])],
  ['a Canon printer (04a9:1746, printer class)', device(0x04a9, 0x1746, [7])],
  ['a Sony body in mass-storage mode (054c:0c02)', device(0x054c, 0x0c02, [8])],
];

test('recorded descriptors: camera bodies count, other devices (a camera maker\'s printer included) do not', () => {
  for (const [what, d, maker] of RECORDED) assert.deepEqual(cameraMaker(d), { maker }, what);
  for (const [what, d] of NOT_CAMERAS) assert.equal(cameraMaker(d), null, what);
});

test('CameraHotplug passes on camera attach/detach from a source shaped like usb, and lets go of it', () => {
  const source = new EventEmitter() as EventEmitter & UsbEventSource;
  const seen: HotplugEvent[] = [];
  const hotplug = new CameraHotplug(source, (e) => seen.push(e));
  source.emit('attach', NOT_CAMERAS[0]![1]);
  source.emit('attach', RECORDED[0]![1]);
  source.emit('detach', RECORDED[0]![1]);
  assert.deepEqual(seen, [
    { kind: 'attach', maker: 'Nikon', id: '04b0:0437' },
    { kind: 'detach', maker: 'Nikon', id: '04b0:0437' },
  ]);
  hotplug.close();
  assert.equal(source.listenerCount('attach') + source.listenerCount('detach'), 0);
});

test('the usb module loads here (libusb), and a missing one falls back to polling with the reason', async () => {
  const saved = process.env.CC_USB_MODULE;
  try {
    delete process.env.CC_USB_MODULE;
    const real = await loadUsbSource();
    assert.equal(real.ok, true, real.ok ? '' : real.reason);
    if (real.ok) {
      // A real listener on libusb's own source, taken off again.
      const hotplug = new CameraHotplug(real.source, () => undefined);
      hotplug.close();
    }
    process.env.CC_USB_MODULE = 'usb-module-that-is-not-installed';
    const missing = await loadUsbSource();
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.reason, /usb-module-that-is-not-installed/);
  } finally {
    if (saved === undefined) delete process.env.CC_USB_MODULE;
    else process.env.CC_USB_MODULE = saved;
  }
});

test('an attach event opens the camera at once instead of at the next search; without events the panel says it polls', { timeout: 120_000 }, async () => {
  const rig = await virtualCameraRig();
  const source = new EventEmitter() as EventEmitter & UsbEventSource;
  const statuses: Gphoto2Status[] = [];
  // A search every 100 s: only an event can bring the camera back within this test.
  const backend = new Gphoto2AddonBackend({
    env: rig.env,
    spoolDir: join(rig.dir, 'spool'),
    settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 },
    timing: { probeEveryMs: 20_000 },
    usb: { ok: true, source },
  });
  try {
    await backend.start({ shot: () => undefined, present: () => undefined, status: (s: Gphoto2Status) => statuses.push(s) } as Parameters<Gphoto2AddonBackend['start']>[0]);
    await until(() => backend.status().phase === 'idle', 'the camera');
    assert.equal(backend.status().hotplug?.source, 'usb');
    rig.unplug();
    source.emit('detach', RECORDED[0]![1]);
    await until(() => backend.status().phase === 'absent', 'the camera to be dropped');
    // The search the detach itself set off has found nothing; the station now waits.
    await new Promise((r) => setTimeout(r, 1500));
    rig.replug();
    // The control: plugged back, but no event yet — the station does not know.
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(backend.status().phase, 'absent');
    source.emit('attach', RECORDED[0]![1]);
    await until(() => backend.status().phase === 'idle', 'the camera after the attach event');
    assert.equal(backend.status().model, 'Nikon DSC D750');
  } finally {
    await backend.close();
    rig.cleanup();
  }

  const rig2 = await virtualCameraRig();
  const polling = new Gphoto2AddonBackend({
    env: rig2.env,
    spoolDir: join(rig2.dir, 'spool'),
    settings: { model: null, port: null, captureTarget: 'card', keepAliveMinutes: 25 },
    usb: { ok: false, reason: 'LIBUSB_ERROR_NOT_SUPPORTED' },
  });
  try {
    await polling.start({ shot: () => undefined, present: () => undefined } as Parameters<Gphoto2AddonBackend['start']>[0]);
    const h = polling.status().hotplug!;
    assert.equal(h.source, 'polling');
    assert.match(h.zh, /每隔几秒查找/);
    assert.match(h.en, /LIBUSB_ERROR_NOT_SUPPORTED/);
  } finally {
    await polling.close();
    rig2.cleanup();
  }
});
