/**
 * The Site-to-Site VPN connection as the VPN policies see it (vpn-tunnel-crypto, vpn-preshared-keys).
 */
import { TYPES } from "../guide";
import { resourceType, type VpnConnectionInputs } from "./shapes";

export const VpnConnection = resourceType<VpnConnectionInputs>(TYPES.vpnConnection);
