package dev.shepherd.proxy.frontend;

import io.netty.channel.Channel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Builds the PROXY protocol header that tells an endpoint who the client is and which address it reached. */
final class ProxyProtocolHeader {
    private ProxyProtocolHeader() {}

    /** The header for {@code client}'s connection; encoded by {@code HAProxyMessageEncoder} in the endpoint's pipeline. */
    static HAProxyMessage of(ProxyProtocol version, Channel client) {
        InetSocketAddress source = (InetSocketAddress) client.remoteAddress();
        InetSocketAddress destination = (InetSocketAddress) client.localAddress();
        HAProxyProtocolVersion protocolVersion =
                version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2;
        InetAddress sourceIp = source.getAddress();
        InetAddress destinationIp = destination.getAddress();
        boolean v4 = sourceIp instanceof Inet4Address && destinationIp instanceof Inet4Address;
        return new HAProxyMessage(
                protocolVersion,
                HAProxyCommand.PROXY,
                v4 ? HAProxyProxiedProtocol.TCP4 : HAProxyProxiedProtocol.TCP6,
                v4 ? sourceIp.getHostAddress() : asIpv6(sourceIp),
                v4 ? destinationIp.getHostAddress() : asIpv6(destinationIp),
                source.getPort(),
                destination.getPort());
    }

    /** An IPv6 text form; an IPv4 address on a dual-stack socket becomes its IPv4-mapped form. */
    private static String asIpv6(InetAddress address) {
        if (address instanceof Inet4Address) {
            return "::ffff:" + address.getHostAddress();
        }
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }
}
