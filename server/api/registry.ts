/** The registry: every API the emulator answers, where, at which versions, and each method's operation. */
import type { Registry } from "../dsm/registry";
import { login, logout } from "./auth";
import { getinfo } from "./dsm-info";
import { guestGet, guestList } from "./guest";
import { poweroff, poweron, shutdown } from "./guest-action";
import { guestCreate } from "./guest-create";
import { guestDelete, guestSet } from "./guest-edit";
import { imageList } from "./image";
import { imageCreate, imageDelete } from "./image-edit";
import { infoOperation } from "./info";
import { hostList, networkList, storageList } from "./inventory";
import { taskClear, taskGet, taskList } from "./task";

const VMM = {
  path: "entry.cgi",
  servedOn: ["entry.cgi"],
  minVersion: 1,
  maxVersion: 1,
  requestFormat: "JSON",
} as const;

export const registry: Registry = {
  "SYNO.API.Info": {
    // DSM 6 path; DSM 7 answers it on entry.cgi too.
    path: "query.cgi",
    servedOn: ["query.cgi", "entry.cgi"],
    minVersion: 1,
    maxVersion: 1,
    methods: { query: infoOperation(() => registry) },
  },
  "SYNO.API.Auth": {
    // DSM 7 advertises entry.cgi up to version 7 and still serves auth.cgi for older clients.
    path: "entry.cgi",
    servedOn: ["auth.cgi", "entry.cgi"],
    minVersion: 1,
    maxVersion: 7,
    methods: { login, logout },
  },
  "SYNO.DSM.Info": {
    path: "entry.cgi",
    servedOn: ["entry.cgi"],
    minVersion: 1,
    maxVersion: 2,
    methods: { getinfo },
  },
  "SYNO.Virtualization.API.Task.Info": {
    ...VMM,
    methods: { list: taskList, get: taskGet, clear: taskClear },
  },
  "SYNO.Virtualization.API.Network": { ...VMM, methods: { list: networkList } },
  "SYNO.Virtualization.API.Storage": { ...VMM, methods: { list: storageList } },
  "SYNO.Virtualization.API.Host": { ...VMM, methods: { list: hostList } },
  "SYNO.Virtualization.API.Guest": {
    ...VMM,
    methods: { list: guestList, get: guestGet, set: guestSet, delete: guestDelete, create: guestCreate },
  },
  "SYNO.Virtualization.API.Guest.Action": { ...VMM, methods: { poweron, poweroff, shutdown } },
  "SYNO.Virtualization.API.Guest.Image": {
    ...VMM,
    methods: { list: imageList, delete: imageDelete, create: imageCreate },
  },
};
