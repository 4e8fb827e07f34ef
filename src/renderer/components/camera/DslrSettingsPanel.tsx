import { useState } from 'react';
import type { z } from 'zod';
import { offersCameraSettings, taskRightRefusal } from '../../../shared/domain/taskRights';
import type { DslrApplyResult, DslrCameraSetting, DslrSettingKey } from '../../../shared/rpc/contract';
import { inLanguage } from '../../format/bilingual';
import { useLanguage } from '../../hooks/useLanguage';
import { useLoader } from '../../hooks/useLoader';
import { useRpc } from '../../hooks/useRpc';
import { useRpcEvent } from '../../hooks/useRpcEvent';
import { ErrorMessage } from '../ErrorMessage';

type Key = z.infer<typeof DslrSettingKey>;
type Setting = z.infer<typeof DslrCameraSetting>;
type Result = z.infer<typeof DslrApplyResult>;
type Words = { zh: string; en: string };

const LABEL: Record<Key, Words> = {
  iso: { zh: '感光度 ISO', en: 'ISO' },
  aperture: { zh: '光圈', en: 'Aperture' },
  shutterSpeed: { zh: '快门速度', en: 'Shutter speed' },
  whiteBalance: { zh: '白平衡', en: 'White balance' },
  imageQuality: { zh: '画质/格式', en: 'Image quality' },
  focusMode: { zh: '对焦模式', en: 'Focus mode' },
  captureTarget: { zh: '照片保存位置', en: 'Capture target' },
};

const TEXT = {
  title: { zh: '相机参数', en: 'Camera settings' },
  presets: { zh: '本任务的预设', en: 'Presets of this task' },
  apply: { zh: '应用', en: 'Apply' },
  active: { zh: '（每次连接相机时自动应用）', en: '(applied whenever the camera connects)' },
  saveAs: { zh: '把当前参数存为预设', en: 'Save the current settings as a preset' },
  name: { zh: '预设名称，例如：室内蓝布 + 闪光灯 1/125 f/8 ISO100', en: 'Preset name, e.g. indoor blue cloth + flash 1/125 f/8 ISO100' },
  save: { zh: '保存', en: 'Save' },
} satisfies Record<string, Words>;

function Both({ text }: { text: Words }) {
  const { language, other } = useLanguage();
  const { primary, secondary } = inLanguage(language, text);
  return (
    <>
      {primary}{' '}
      <span className="bilingual-secondary" lang={other}>
        {secondary}
      </span>
    </>
  );
}

function Refusals({ results }: { results: Result[] }) {
  const refused = results.filter((r): r is Result & Words => !r.ok && r.zh !== null && r.en !== null);
  if (refused.length === 0) return null;
  return (
    <ul className="message message-warn" role="status" data-testid="dslr-settings-refused">
      {refused.map((r) => (
        <li key={r.key}>
          <Both text={r} />
        </li>
      ))}
    </ul>
  );
}

/**
 * The tethered body's settings on the capture screen (issue 17): each with the values the body
 * offers, set at once; the task's presets, one applied now and on every later connect; a setting the
 * body refuses is said in words. Without the in-process driver it says why there are no settings.
 * Setting and applying are offered to a photographer only where the order's task allows it (the rule
 * the station's RPC applies); saving a preset is the site manager's.
 */
export function DslrSettingsPanel({ orderId }: { orderId: string }) {
  const client = useRpc();
  const settings = useLoader(() => client.call('camera.dslrSettings', {}), [client]);
  const presets = useLoader(() => client.call('camera.dslrPresets', { orderId }), [client, orderId]);
  const camera = useLoader(() => client.call('camera.get', {}), [client]);
  const me = useLoader(() => client.call('auth.me', {}), [client]);
  const role = me.data?.operator?.role;
  // Until the task's rights are known nothing is offered: a control that then vanishes is worse than one that appears.
  const mayChange = presets.data ? offersCameraSettings(role, presets.data.rights) : false;
  useRpcEvent('camera.changed', () => {
    settings.reload();
    camera.reload();
  });
  const hotplug = camera.data?.dslr?.hotplug;
  const [results, setResults] = useState<Result[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);

  const run = async (action: () => Promise<void>) => {
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    }
  };
  const change = (key: Key, value: string) =>
    run(async () => {
      setResults([await client.call('camera.setDslrSetting', { key, value, orderId })]);
      settings.reload();
    });
  const apply = (preset: string) =>
    run(async () => {
      setResults((await client.call('camera.applyDslrPreset', { orderId, name: preset })).results);
      settings.reload();
      presets.reload();
    });
  const save = (current: Setting[]) =>
    run(async () => {
      const values = Object.fromEntries(current.filter((s) => s.key !== 'captureTarget').map((s) => [s.key, s.value]));
      await client.call('camera.saveDslrPreset', { orderId, preset: { name: name.trim(), values } });
      setName('');
      presets.reload();
    });

  const data = settings.data;
  if (!data) return null;
  return (
    <details className="dslr-settings" data-testid="dslr-settings">
      <summary>
        <Both text={TEXT.title} />
      </summary>
      {!data.available && data.zh && data.en ? (
        <p className="message message-info" data-testid="dslr-settings-unavailable">
          <Both text={{ zh: data.zh, en: data.en }} />
        </p>
      ) : (
        <div className="dslr-settings-grid">
          {data.settings.map((s) => (
            <label key={s.key}>
              <Both text={LABEL[s.key]} />
              <select value={s.value} disabled={s.readonly || !mayChange} onChange={(e) => void change(s.key, e.target.value)} data-testid={`dslr-setting-${s.key}`}>
                {(s.choices.includes(s.value) ? s.choices : [s.value, ...s.choices]).map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      )}
      {presets.data && !mayChange && role && (
        <p className="message message-info" data-testid="dslr-settings-not-allowed">
          <Both text={taskRightRefusal('setCamera')} />
        </p>
      )}
      <Refusals results={results.length > 0 ? results : data.lastApplied} />
      {hotplug?.source === 'polling' && (
        <p className="message message-info" data-testid="dslr-hotplug-polling">
          <Both text={hotplug} />
        </p>
      )}
      {presets.data && (
        <div className="dslr-presets">
          <h4>
            <Both text={TEXT.presets} />
          </h4>
          <ul>
            {presets.data.presets.map((p) => (
              <li key={p.name}>
                {p.name}{' '}
                {presets.data?.active === p.name ? (
                  <small>
                    <Both text={TEXT.active} />
                  </small>
                ) : null}{' '}
                {mayChange && (
                  <button type="button" onClick={() => void apply(p.name)} data-testid="dslr-preset-apply">
                    <Both text={TEXT.apply} />
                  </button>
                )}
              </li>
            ))}
          </ul>
          {data.available && role === 'manager' && (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                if (name.trim()) void save(data.settings);
              }}
            >
              <label>
                <Both text={TEXT.saveAs} />
                <input value={name} maxLength={60} placeholder={TEXT.name.zh} onChange={(e) => setName(e.target.value)} />
              </label>
              <button type="submit" disabled={!name.trim()}>
                <Both text={TEXT.save} />
              </button>
            </form>
          )}
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </details>
  );
}
