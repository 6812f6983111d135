/**
 * The Site-to-Site VPN connection as the VPN policies see it (vpn-tunnel-crypto, vpn-preshared-keys).
 */
import { AWS_TYPES } from "../guide";
import { resourceType, type VpnConnectionInputs } from "./shapes";

export const VpnConnection = resourceType<VpnConnectionInputs>(AWS_TYPES.vpnConnection);
