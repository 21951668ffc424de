/**
 * The operation table: one entry per API of the spec, one file per API. Adding an API or a
 * method to contract/apis.ts makes this table fail to compile until its row exists.
 */
import type { OperationTable } from "../wire/operation";
import { authApi } from "./core/auth";
import { dsmInfoApi } from "./core/dsm-info";
import { encryptionApi } from "./core/encryption";
import { entryRequestApi } from "./core/entry-request";
import { infoApi } from "./core/info";
import { normalUserApi } from "./core/normal-user";
import { uiConfigApi } from "./core/ui-config";
import { internalGuestApi } from "./internal/guest";
import { internalGuestActionApi } from "./internal/guest-action";
import { internalGuestImageApi } from "./internal/guest-image";
import { clusterApi, internalHostApi, internalNetworkApi, repoApi } from "./internal/inventory";
import { guestApi } from "./public/guest";
import { guestActionApi } from "./public/guest-action";
import { guestImageApi } from "./public/guest-image";
import { hostApi } from "./public/host";
import { networkApi } from "./public/network";
import { storageApi } from "./public/storage";
import { taskInfoApi } from "./public/task-info";
import { dsmNetworkApi } from "./system/network";
import { securityScanApi } from "./system/security-scan";
import { nasStorageApi } from "./system/storage";
import { systemApi } from "./system/system";
import { upgradeServerApi } from "./system/upgrade-server";
import { usbApi } from "./system/usb";
import { utilizationApi } from "./system/utilization";

export const OPERATIONS: OperationTable = {
  "SYNO.API.Info": infoApi,
  "SYNO.API.Auth": authApi,
  "SYNO.API.Auth.UIConfig": uiConfigApi,
  "SYNO.API.Encryption": encryptionApi,
  "SYNO.DSM.Info": dsmInfoApi,
  "SYNO.Core.NormalUser": normalUserApi,
  "SYNO.Entry.Request": entryRequestApi,
  "SYNO.Core.System": systemApi,
  "SYNO.Core.System.Utilization": utilizationApi,
  "SYNO.Storage.CGI.Storage": nasStorageApi,
  "SYNO.DSM.Network": dsmNetworkApi,
  "SYNO.Core.SecurityScan.Status": securityScanApi,
  "SYNO.Core.Upgrade.Server": upgradeServerApi,
  "SYNO.Core.ExternalDevice.Storage.USB": usbApi,
  "SYNO.Virtualization.API.Task.Info": taskInfoApi,
  "SYNO.Virtualization.API.Network": networkApi,
  "SYNO.Virtualization.API.Storage": storageApi,
  "SYNO.Virtualization.API.Host": hostApi,
  "SYNO.Virtualization.API.Guest": guestApi,
  "SYNO.Virtualization.API.Guest.Action": guestActionApi,
  "SYNO.Virtualization.API.Guest.Image": guestImageApi,
  "SYNO.Virtualization.Guest": internalGuestApi,
  "SYNO.Virtualization.Guest.Action": internalGuestActionApi,
  "SYNO.Virtualization.Guest.Image": internalGuestImageApi,
  "SYNO.Virtualization.Host": internalHostApi,
  "SYNO.Virtualization.Cluster": clusterApi,
  "SYNO.Virtualization.Network": internalNetworkApi,
  "SYNO.Virtualization.Repo": repoApi,
};
