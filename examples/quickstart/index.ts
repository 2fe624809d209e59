import * as pulumi from "@pulumi/pulumi";
import { AdlsGen2Connection } from "pulumi-aep-azure";

// AEP credentials come from `aep:*` config (or AEP_* environment variables), never from resource inputs.
const config = new pulumi.Config();

const lake = new AdlsGen2Connection("quickstart-lake", {
  displayName: config.get("displayName") ?? "Quickstart data lake",
  description: "Created by the pulumi-aep-azure quickstart",
  accountName: config.require("storageAccountName"),
  tenant: config.require("tenantId"),
  servicePrincipalId: config.require("servicePrincipalId"),
  servicePrincipalSecret: config.requireSecret("servicePrincipalSecret"),
});

/** Use this id in your AEP dataflows. */
export const connectionId = lake.connectionId;
export const state = lake.state;
