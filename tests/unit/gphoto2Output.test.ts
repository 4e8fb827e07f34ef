import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFailure, parseAutoDetect, parseListFiles, parseSavedFiles, parseStorageInfo, parseSummary } from '../../src/main/camera/gphoto2/gphoto2Output.js';

// What Debian bookworm's gphoto2 2.5.28 (libgphoto2 2.5.30) printed against the virtual camera,
// copied from its runs (tests/integration/gphoto2*.test.ts run the command itself).

test('auto-detect: cameras and their ports; none is an empty list', () => {
  const out = 'Model                          Port            \n----------------------------------------------------------\nNikon DSC D750                 usb:001,001     \nCanon EOS 5D Mark III          usb:002,007     \n';
  assert.deepEqual(parseAutoDetect(out), [
    { model: 'Nikon DSC D750', port: 'usb:001,001' },
    { model: 'Canon EOS 5D Mark III', port: 'usb:002,007' },
  ]);
  assert.deepEqual(parseAutoDetect('Model                          Port            \n----------------------------------------------------------\n'), []);
});

test('summary, card listing, saved files and storage', () => {
  assert.deepEqual(parseSummary('Camera summary:\nManufacturer: Nikon Corporation\nModel: D750\n  Version: 2.5.11\n  Serial Number: 0.1\n'), {
    manufacturer: 'Nikon Corporation',
    model: 'D750',
    serial: '0.1',
  });
  const list = [
    "There is no file in folder '/'.",
    "There is no file in folder '/store_00010001'.",
    "There are 2 files in folder '/store_00010001/DCIM/100NCD750'.",
    '#1     DSC_0001.JPG               rd  1572 KB image/jpeg 1795649866',
    '#2     DSC_0002.JPG               rd  1572 KB 6016x4016 image/jpeg 1795649874',
  ].join('\n');
  assert.deepEqual(parseListFiles(list), [
    { folder: '/store_00010001/DCIM/100NCD750', index: 1, name: 'DSC_0001.JPG', mtime: 1795649866 },
    { folder: '/store_00010001/DCIM/100NCD750', index: 2, name: 'DSC_0002.JPG', mtime: 1795649874 },
  ]);
  assert.deepEqual(parseSavedFiles('New file is in location /store_00010001/DCIM/100NCD750/DSC_0001.JPG on the camera\nSaving file as /spool/shot-1-DSC_0001.JPG\nKeeping file /store_00010001/DCIM/100NCD750/DSC_0001.JPG on the camera\n'), ['/spool/shot-1-DSC_0001.JPG']);
  assert.deepEqual(parseStorageInfo('[Storage 0]\nlabel=GPVCS Label\ntotalcapacity=1085584 KB\nfree=0 KB\nfreeimages=0\n'), { freeImages: 0, freeKb: 0 });
  assert.deepEqual(parseStorageInfo('[Storage 0]\nlabel=x\n'), { freeImages: null, freeKb: null });
});

test('error messages sorted into the faults the station acts on', () => {
  const cases: Array<[string, string, string | null]> = [
    ["*** Error (-52: 'Could not find the requested device on the USB port') ***", 'disconnected', null],
    ['ERROR: Could not capture.\n\n*** Error ***\nPTP No Device', 'disconnected', null],
    [
      "*** Error ***\nAn error occurred in the io-library ('Could not claim the USB device'): Could not claim interface 1 (Device or resource busy). Make sure no other program (gvfs-gphoto2-volume-monitor) or kernel module (such as sdc2xx, stv680, spca50x) is using the device and you have read/write access to the device.\n*** Error (-53: 'Could not claim the USB device') ***",
      'claimed',
      null,
    ],
    ["*** Error ***\nCamera memorycard ran full during capture.\nERROR: Could not capture image.\n*** Error (-3: 'Out of memory') ***", 'store-full', null],
    ['*** Error ***\nSorry, your Nikon camera does not support LiveView mode\nERROR: Movie capture error... Exiting.', 'liveview-unsupported', null],
    ['*** Error ***\nLiveview cannot start: Exposure Program Mode is not P/A/S/M\nERROR: Movie capture error... Exiting.', 'liveview-refused', 'Exposure Program Mode is not P/A/S/M'],
    ['*** Error ***\nNikon enable liveview failed (0x2019: PTP Device Busy)\nERROR: Movie capture error... Exiting.', 'liveview-failed', null],
    ["*** Error ***\nPTP Device Busy\nERROR: Could not capture.\n*** Error (-110: 'I/O in progress') ***", 'busy', null],
  ];
  for (const [output, code, detail] of cases) {
    const c = classifyFailure(output);
    assert.equal(c.code, code, output);
    if (detail) assert.equal(c.detail, detail);
  }
});
