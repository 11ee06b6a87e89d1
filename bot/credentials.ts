/** Bot Framework app credentials: read at start without loading botbuilder (see bot/area.ts). */
export interface BotCredentials {
  appId: string;
  password?: string | undefined;
  tenantId?: string | undefined;
  /** `MultiTenant` (default), `SingleTenant` (needs tenantId) or `UserAssignedMSI`. */
  appType?: string | undefined;
}

/** Reads MICROSOFT_APP_ID / MICROSOFT_APP_PASSWORD / MICROSOFT_APP_TENANT_ID / MICROSOFT_APP_TYPE (or the MicrosoftApp* names). */
export function botCredentialsFromEnv(env: Record<string, string | undefined>): BotCredentials | null {
  const appId = (env.MICROSOFT_APP_ID ?? env.MicrosoftAppId)?.trim();
  if (!appId) return null;
  const tenantId = (env.MICROSOFT_APP_TENANT_ID ?? env.MicrosoftAppTenantId)?.trim() || undefined;
  return {
    appId,
    password: env.MICROSOFT_APP_PASSWORD ?? env.MicrosoftAppPassword,
    tenantId,
    appType: (env.MICROSOFT_APP_TYPE ?? env.MicrosoftAppType)?.trim() || (tenantId ? 'SingleTenant' : 'MultiTenant'),
  };
}
