import { createLogger } from '../log/logger.js';

const log = createLogger('camera');

/** What the `usb` package (libusb) hands its attach/detach listeners: the parts read here. */
export interface UsbDeviceLike {
  deviceDescriptor: { idVendor: number; idProduct: number; bDeviceClass: number };
  /** Interface descriptors of the active configuration (libusb reads them without opening the device). */
  configDescriptor?: { interfaces: { bInterfaceClass: number }[][] } | undefined;
}

/** `usb`'s own event source shape (usb.usb): the hot-plug logic takes any object like it. */
export interface UsbEventSource {
  on(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
  removeListener(event: 'attach' | 'detach', listener: (device: UsbDeviceLike) => void): unknown;
}

/** USB-IF vendor ids of the camera makers whose bodies tether over PTP (the kernel's usb.ids). */
export const CAMERA_VENDORS: Readonly<Record<number, string>> = {
  0x04a9: 'Canon',
  0x04b0: 'Nikon',
  0x054c: 'Sony',
  0x04cb: 'Fujifilm',
  0x04da: 'Panasonic',
  0x07b4: 'Olympus',
  0x33a2: 'OM Digital Solutions',
};

const STILL_IMAGE = 0x06;
const VENDOR_SPECIFIC = 0xff;

function interfaceClasses(device: UsbDeviceLike): number[] | null {
  try {
    const config = device.configDescriptor;
    if (!config) return null;
    return config.interfaces.flat().map((i) => i.bInterfaceClass);
  } catch {
    // The descriptor cannot be read (no permission yet, the device already gone): not known.
    return null;
  }
}

/**
 * Whether a device is a camera worth opening: a still-image (PTP, class 6) device or interface, or a
 * camera maker's device whose interfaces are unknown, still-image or vendor-specific (a Sony in
 * "PC remote" mode). A maker's printer or card reader (interfaces of another class) is not.
 */
export function cameraMaker(device: UsbDeviceLike): { maker: string | null } | null {
  const d = device.deviceDescriptor;
  const classes = interfaceClasses(device);
  const maker = CAMERA_VENDORS[d.idVendor] ?? null;
  if (d.bDeviceClass === STILL_IMAGE || classes?.includes(STILL_IMAGE)) return { maker };
  if (maker && (classes === null || classes.includes(VENDOR_SPECIFIC))) return { maker };
  return null;
}

export interface HotplugEvent {
  kind: 'attach' | 'detach';
  maker: string | null;
  /** vvvv:pppp, as lsusb and libgphoto2's lists write it. */
  id: string;
}

/** Camera attach/detach out of all USB traffic. */
export class CameraHotplug {
  private readonly attach = (d: UsbDeviceLike) => this.on('attach', d);
  private readonly detach = (d: UsbDeviceLike) => this.on('detach', d);

  constructor(
    private readonly source: UsbEventSource,
    private readonly listener: (e: HotplugEvent) => void,
  ) {
    source.on('attach', this.attach);
    source.on('detach', this.detach);
  }

  close(): void {
    this.source.removeListener('attach', this.attach);
    this.source.removeListener('detach', this.detach);
  }

  private on(kind: HotplugEvent['kind'], device: UsbDeviceLike): void {
    const camera = cameraMaker(device);
    if (!camera) return;
    const hex = (n: number) => n.toString(16).padStart(4, '0');
    this.listener({ kind, maker: camera.maker, id: `${hex(device.deviceDescriptor.idVendor)}:${hex(device.deviceDescriptor.idProduct)}` });
  }
}

export type UsbSourceLoad = { ok: true; source: UsbEventSource } | { ok: false; reason: string };

/**
 * The `usb` package's event source, or why there is none (libusb missing, a Windows camera without a
 * WinUSB driver, a sandbox): the station then searches by polling. CC_USB_MODULE names another module
 * (tests load a missing one to take the fallback path for real); CC_USB_MODULE=none turns it off.
 */
export async function loadUsbSource(): Promise<UsbSourceLoad> {
  const name = process.env.CC_USB_MODULE ?? 'usb';
  if (name === 'none') return { ok: false, reason: 'turned off (CC_USB_MODULE=none)' };
  try {
    const mod = (await import(name)) as { usb?: UsbEventSource & { getDeviceList?: () => unknown[] } };
    const source = mod.usb;
    if (!source || typeof source.on !== 'function') return { ok: false, reason: `${name} has no usb event source` };
    // libusb answers (throws here when it cannot start on this machine).
    source.getDeviceList?.();
    return { ok: true, source };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    log.info('USB hot-plug unavailable; searching for the camera by polling', { reason });
    return { ok: false, reason };
  }
}
