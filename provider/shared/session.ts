/**
 * What every object provider of one host process shares: the stack config the engine passed to `configure`, the
 * Flow Service client built from it on first use (so that `check` and `diff` work without credentials), and the
 * default sandbox.
 *
 * Settings come from stack config `aep:<name>` first, then the `AEP_*` environment variable, then the default:
 * the table is flow-service/settings.ts `SETTINGS`; the config key is always `aep:` + the setting's name.
 */
import {
  FlowServiceClient,
  ImsError,
  resolveSettings,
  SettingsError,
  settingValue,
  SETTING_NAMES,
  SETTINGS,
  transportOptionsFromEnv,
  type FlowServiceSettings,
} from "../flow-service";

/** How to fix the IMS refusals that come from a wrong setting, by OAuth error code. */
const IMS_HINTS: Readonly<Record<string, string>> = {
  invalid_client:
    `Check ${configKey("clientId")} / ${SETTINGS.clientId.env} and ${configKey("clientSecret")} / ${SETTINGS.clientSecret.env}: ` +
    "they must be the client ID and a current client secret of the same OAuth Server-to-Server credential in the Adobe " +
    `Developer Console (set the secret with \`pulumi config set --secret ${configKey("clientSecret")} <secret>\`).`,
  invalid_scope:
    `Check ${configKey("scopes")} / ${SETTINGS.scopes.env}: the credential's project must include the Experience Platform API ` +
    "with these scopes (leave the setting unset for the default).",
  unauthorized_client: `The credential of ${configKey("clientId")} may not use the client_credentials grant: use an OAuth Server-to-Server credential.`,
};

/**
 * `error` with what to fix appended when IMS refused the credential: IMS names only its OAuth code, not the
 * setting behind it.
 */
export function explainImsError(error: unknown): unknown {
  if (!ImsError.isInstance(error) || error.adobeCode === undefined) return error;
  const hint = IMS_HINTS[error.adobeCode];
  if (hint !== undefined && !error.message.includes(hint)) error.message = `${error.message}. ${hint}`;
  return error;
}

/** The part of the host's config object the providers use (`req.config` in configure). */
export interface ProviderConfig {
  get(key: string): string | undefined;
}

/** Stack config key of a client setting, e.g. `aep:clientSecret`. */
export function configKey(setting: keyof FlowServiceSettings): string {
  return `aep:${setting}`;
}

/** `aep:clientId (or AEP_CLIENT_ID)`: where a user sets a setting. */
export function describeSetting(setting: keyof FlowServiceSettings): string {
  return `${configKey(setting)} (or ${SETTINGS[setting].env})`;
}

/** Config of one provider host process, and the client made from it. */
export class ProviderSession {
  private config: ProviderConfig | undefined;
  private client: FlowServiceClient | undefined;

  /** Called by the host once per distinct serialized provider, with the whole (namespaced) stack config. */
  configure(config: ProviderConfig): void {
    this.config = config;
    this.client = undefined;
  }

  /** Settings given in stack config; empty values count as unset. */
  private explicitSettings(): Partial<FlowServiceSettings> {
    const explicit: Partial<FlowServiceSettings> = {};
    for (const setting of SETTING_NAMES) {
      const value = this.config?.get(configKey(setting));
      if (value !== undefined && value !== "") explicit[setting] = value;
    }
    return explicit;
  }

  /** The sandbox used when a resource names none: `aep:sandboxName`, else `AEP_SANDBOX_NAME`, else `prod`. */
  defaultSandbox(): string {
    return settingValue("sandboxName", this.explicitSettings(), process.env) ?? SETTINGS.sandboxName.default;
  }

  /** The client, built on first use. @throws Error naming every missing setting and how to set it */
  flowService(): FlowServiceClient {
    if (!this.client) {
      let settings: FlowServiceSettings;
      try {
        settings = resolveSettings(this.explicitSettings(), process.env);
      } catch (error) {
        if (SettingsError.isInstance(error)) throw new SettingsError(describeSettingsProblem(error), error.missing);
        throw error;
      }
      this.client = new FlowServiceClient(settings, transportOptionsFromEnv(process.env));
    }
    return this.client;
  }
}

function describeSettingsProblem(error: SettingsError): string {
  const named = error.missing.map((missing) =>
    SETTING_NAMES.includes(missing as keyof FlowServiceSettings) ? describeSetting(missing as keyof FlowServiceSettings) : missing,
  );
  const hint =
    named.length === 0
      ? ""
      : ` Missing: ${named.join(", ")}. Set them with \`pulumi config set aep:clientId <id>\`, ` +
        "`pulumi config set --secret aep:clientSecret <secret>` and `pulumi config set aep:orgId <org>@AdobeOrg`, " +
        "or export the AEP_* environment variables.";
  return `AEP provider settings are incomplete or invalid: ${error.message}${hint}`;
}
