import * as pulumi from "@pulumi/pulumi";
import { AdlsGen2Connection, Dataset } from "pulumi-aep-azure";

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

// With `schemaId` set (the $id of an XDM Individual Profile schema with the Personal Contact Details and Demographic
// Details field groups), a dataflow reads a CSV file of the lake into a new dataset of that schema, every hour.
function customersDataflow(schemaId: string) {
  const dataset = new Dataset("quickstart-customers", { name: "Quickstart customers", schemaId });
  return lake.ingest("quickstart-customers", {
    displayName: "Quickstart customers",
    path: "/acme-customers/customers.csv",
    format: "delimited",
    dataset,
    mappings: [
      { source: "email", destination: "personalEmail.address" },
      { source: "first_name", destination: "person.name.firstName" },
    ],
    schedule: { frequency: "hour", interval: 1, startTime: "2030-01-07T06:00:00Z" },
  });
}

const schemaId = config.get("schemaId");
/** The dataflow's id in AEP (when `schemaId` is set). */
export const flowId = schemaId === undefined ? undefined : customersDataflow(schemaId).flowId;
