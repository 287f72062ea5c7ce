package dev.shepherd.proxy.frontend;

/** The {@code proxy-protocol} setting: which PROXY protocol header, if any, precedes the client's bytes. */
public enum ProxyProtocol { OFF, V1, V2 }
