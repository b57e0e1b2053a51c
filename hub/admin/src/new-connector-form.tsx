import { useEffect, useState, type FormEvent } from 'react';

import { api, type ConnectorType } from './api.js';
import type { Translate } from './messages.js';

/** A form generated from the connector type's settings JSON Schema; secret fields are password inputs. */
export function NewConnectorForm({ t, onCreated }: { t: Translate; onCreated: () => Promise<void> }) {
  const [types, setTypes] = useState<ConnectorType[]>([]);
  const [typeId, setTypeId] = useState('');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [problem, setProblem] = useState<string | undefined>();

  useEffect(() => {
    api<ConnectorType[]>('/v1/admin/connector-types').then(
      (list) => {
        setTypes(list);
        setTypeId(list[0]?.id ?? '');
      },
      (err: unknown) => setProblem(err instanceof Error ? err.message : String(err)),
    );
  }, []);

  const type = types.find((x) => x.id === typeId);
  const properties = Object.entries(type?.settings_schema.properties ?? {});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const settings: Record<string, unknown> = {};
    for (const [key, schema] of properties) {
      const value = values[key];
      if (value === undefined || value === '') continue;
      settings[key] = schema.type === 'integer' || schema.type === 'number' ? Number(value) : value;
    }
    try {
      await api('/v1/admin/connectors', { method: 'POST', body: { type: typeId, name, settings } });
      setProblem(undefined);
      setName('');
      setValues({});
      await onCreated();
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form
      onSubmit={(e) => void submit(e)}
      style={{ border: '1px dashed #999', borderRadius: 8, padding: 16 }}
    >
      <h2 style={{ marginTop: 0 }}>{t('newConnector')}</h2>
      <label>
        {t('type')}{' '}
        <select value={typeId} onChange={(e) => setTypeId(e.target.value)}>
          {types.map((x) => (
            <option key={x.id} value={x.id}>
              {x.display_name}
            </option>
          ))}
        </select>
      </label>
      <br />
      <label>
        {t('name')} <input value={name} required onChange={(e) => setName(e.target.value)} />
      </label>
      {properties.map(([key, schema]) => (
        <div key={key}>
          <label>
            {key}{' '}
            {schema.type === 'boolean' ? (
              <input
                type="checkbox"
                checked={values[key] === true}
                onChange={(e) => setValues({ ...values, [key]: e.target.checked })}
              />
            ) : (
              <input
                type={type?.secret_fields.includes(key) === true ? 'password' : 'text'}
                value={String(values[key] ?? '')}
                placeholder={schema.default === undefined ? '' : JSON.stringify(schema.default)}
                onChange={(e) => setValues({ ...values, [key]: e.target.value })}
              />
            )}
          </label>{' '}
          <small style={{ color: '#666' }}>{schema.description}</small>
        </div>
      ))}
      {problem !== undefined ? <p role="alert">{problem}</p> : null}
      <button type="submit">{t('create')}</button>
    </form>
  );
}
