import type { Hono } from 'hono';
import type { TwinDeps, TwinEnv } from '../twin-context.ts';
import type { CustomAttributeDefinition } from '../twin-state.ts';
import { authenticateAccount, requireAdministrator } from '../http/auth.ts';
import { ValidationErrors } from '../http/http-problem.ts';
import { stringParam } from '../http/request-params.ts';
import { isoTime } from '../presenters/time-format.ts';

const MODELS: Record<string, CustomAttributeDefinition['attributeModel']> = {
  '0': 'conversation_attribute',
  conversation_attribute: 'conversation_attribute',
  '1': 'contact_attribute',
  contact_attribute: 'contact_attribute',
};

function definitionJson(definition: CustomAttributeDefinition) {
  return {
    id: definition.id,
    attribute_display_name: definition.attributeDisplayName,
    attribute_display_type: definition.attributeDisplayType,
    attribute_description: null,
    attribute_key: definition.attributeKey,
    regex_pattern: null,
    regex_cue: null,
    attribute_values: [],
    attribute_model: definition.attributeModel,
    default_value: null,
    created_at: isoTime(definition.createdAt),
    updated_at: isoTime(definition.createdAt),
  };
}

/** Custom attribute definitions: a defined key is a valid filter key (chatwoot-3.7-3.9.md §1.2, §1.3). */
export function registerCustomAttributeRoutes(app: Hono<TwinEnv>, deps: TwinDeps): void {
  const base = '/api/v1/accounts/:accountId/custom_attribute_definitions';

  app.get(base, (c) => {
    const access = authenticateAccount(c, deps, 'custom_attribute_definitions#index');
    const model = MODELS[stringParam(c.get('params'), 'attribute_model') ?? ''];
    const rows = deps.state.customAttributeDefinitions.filter((d) => d.accountId === access.account.id && (!model || d.attributeModel === model));
    return c.json(rows.map(definitionJson));
  });

  app.post(base, (c) => {
    const access = authenticateAccount(c, deps, 'custom_attribute_definitions#create');
    requireAdministrator(access);
    const params = c.get('params');
    const model = MODELS[stringParam(params, 'attribute_model') ?? '0'];
    const key = stringParam(params, 'attribute_key') ?? '';
    const errors = new ValidationErrors();
    if (stringParam(params, 'attribute_display_name')?.trim() === '' || stringParam(params, 'attribute_display_name') === undefined) {
      errors.add('attribute_display_name', "Attribute display name can't be blank");
    }
    if (key.trim() === '') errors.add('attribute_key', "Attribute key can't be blank");
    else if (deps.state.customAttributeDefinitions.some((d) => d.accountId === access.account.id && d.attributeModel === model && d.attributeKey === key)) {
      errors.add('attribute_key', 'Attribute key has already been taken');
    }
    if (!model) errors.add('attribute_model', 'Attribute model is not included in the list');
    errors.throwIfAny();
    const definition: CustomAttributeDefinition = {
      id: deps.state.nextId('customAttribute'),
      accountId: access.account.id,
      attributeKey: key,
      attributeDisplayName: stringParam(params, 'attribute_display_name') ?? key,
      attributeDisplayType: stringParam(params, 'attribute_display_type') ?? 'text',
      attributeModel: model!,
      createdAt: deps.now(),
    };
    deps.state.customAttributeDefinitions.push(definition);
    return c.json(definitionJson(definition));
  });
}
