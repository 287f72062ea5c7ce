package dev.shepherd.proxy.operations;

import dev.shepherd.proxy.config.DiscoverySettings;
import dev.shepherd.proxy.config.DnsBackend;
import dev.shepherd.proxy.endpoint.Endpoint;
import dev.shepherd.proxy.logging.LogLimiter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured endpoints: the {@code host:port} entries of {@code backends} as they are, each
 * {@code dns:NAME:PORT} entry as every address NAME resolves to (A and AAAA), and each
 * {@code srv:NAME} entry as every address of the targets of NAME's SRV records of the lowest
 * priority, on their records' ports; asked again when the records' TTL runs out, within
 * {@code discovery.min-refresh} and {@code max-refresh}, as Envoy's STRICT_DNS does. Every change goes to {@link StaticBackends}: a new address joins after
 * its rise checks, a vanished one is drained. A lookup that fails keeps the last addresses found,
 * is logged at a bounded rate, and is tried again after min-refresh. Queries go through Netty's
 * non-blocking resolver, on a thread of their own.
 */
public final class Discovery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Discovery.class);

    private final StaticBackends backends;
    private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("shepherd-dns", true),
            NioIoHandler.newFactory());
    // Under this object's lock:
    private List<Endpoint> fixed = List.of();
    private final Map<DnsBackend, Name> names = new LinkedHashMap<>();
    private DiscoverySettings settings;
    private DnsNameResolver resolver;
    private boolean closed;

    /** What one {@code dns:} entry resolves to now, and its next lookup. */
    private static final class Name {
        List<Endpoint> endpoints = List.of();
        ScheduledFuture<?> next;
        final LogLimiter failures = new LogLimiter(1, 30, TimeUnit.SECONDS, System::nanoTime);
    }

    public Discovery(StaticBackends backends) {
        this.backends = backends;
    }

    /**
     * Makes the endpoints {@code fixed} plus what each of {@code dns} resolves to (new names are
     * looked up at once; the addresses of names no longer listed leave). Returns what changed at
     * once ({@code +host:port}, {@code -host:port}, {@code +dns:NAME:PORT}).
     */
    public synchronized List<String> configure(List<Endpoint> fixed, List<DnsBackend> dns, DiscoverySettings next) {
        List<String> changes = new ArrayList<>();
        this.fixed = List.copyOf(fixed);
        if (!Objects.equals(settings, next)) {
            settings = next;
            if (resolver != null) {
                resolver.close();
                resolver = null;
            }
        }
        for (DnsBackend gone : List.copyOf(names.keySet())) {
            if (!dns.contains(gone)) {
                Name name = names.remove(gone);
                if (name.next != null) {
                    name.next.cancel(false);
                }
                changes.add("-" + gone);
            }
        }
        for (DnsBackend added : dns) {
            if (!names.containsKey(added)) {
                names.put(added, new Name());
                changes.add("+" + added);
                lookUp(added);
            }
        }
        changes.addAll(push());
        return changes;
    }

    /** The endpoints now: the fixed ones, then each name's addresses, without repeats. */
    public synchronized List<Endpoint> endpoints() {
        Set<Endpoint> all = new LinkedHashSet<>(fixed);
        names.values().forEach(name -> all.addAll(name.endpoints));
        return List.copyOf(all);
    }

    private List<String> push() {
        return backends.configure(endpoints()).changes();
    }

    private synchronized void lookUp(DnsBackend name) {
        Name entry = names.get(name);
        if (closed || entry == null) {
            return;
        }
        DnsNameResolver dns = resolver();
        if (name.srv()) {
            Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> srv = dns.query(new DefaultDnsQuestion(fqdn(name.name()),
                    DnsRecordType.SRV));
            srv.addListener(done -> srvAnswered(dns, name, entry, srv));
            return;
        }
        Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> a = dns.query(new DefaultDnsQuestion(fqdn(name.name()), DnsRecordType.A));
        Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> aaaa = dns.query(new DefaultDnsQuestion(fqdn(name.name()), DnsRecordType.AAAA));
        a.addListener(doneA -> aaaa.addListener(doneAaaa -> answered(name, entry, a, aaaa)));
    }

    private static String fqdn(String name) {
        return name.endsWith(".") ? name : name + ".";
    }

    /** One target of an SRV record. */
    private record SrvTarget(String host, int port) {}

    /**
     * The SRV query is done: the addresses of its targets (A and AAAA each), on their ports. Unlike
     * a dns: entry, a lookup where any part failed keeps every last endpoint: which of them came
     * from the target that failed is not known.
     */
    private void srvAnswered(DnsNameResolver dns, DnsBackend name, Name asked,
            Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> srv) {
        List<String> failures = new ArrayList<>();
        long[] ttl = {Long.MAX_VALUE};
        List<SrvTarget> targets = srvTargets(srv, failures, ttl);
        if (targets == null || targets.isEmpty()) {
            settle(name, asked, targets == null ? null : List.of(), failures, ttl[0]);
            return;
        }
        List<Future<AddressedEnvelope<DnsResponse, InetSocketAddress>>> queries = new ArrayList<>();
        for (SrvTarget target : targets) {
            queries.add(dns.query(new DefaultDnsQuestion(fqdn(target.host()), DnsRecordType.A)));
            queries.add(dns.query(new DefaultDnsQuestion(fqdn(target.host()), DnsRecordType.AAAA)));
        }
        AtomicInteger pending = new AtomicInteger(queries.size());
        for (Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query : queries) {
            query.addListener(done -> {
                if (pending.decrementAndGet() > 0) {
                    return;
                }
                List<Endpoint> found = new ArrayList<>();
                boolean failed = false;
                for (int i = 0; i < targets.size(); i++) {
                    SrvTarget target = targets.get(i);
                    List<String> targetFailures = new ArrayList<>();
                    List<InetAddress> v4 = addresses(queries.get(2 * i), DnsRecordType.A, targetFailures, ttl);
                    List<InetAddress> v6 = addresses(queries.get(2 * i + 1), DnsRecordType.AAAA, targetFailures, ttl);
                    if (v4 == null || v6 == null) {
                        failed = true;
                    }
                    targetFailures.forEach(why -> failures.add(target.host() + " " + why));
                    addAll(found, v4 == null ? List.of() : v4, target.port());
                    addAll(found, v6 == null ? List.of() : v6, target.port());
                }
                settle(name, asked, failed ? null : found, failures, ttl[0]);
            });
        }
    }

    /** The targets of the lowest priority an SRV query found ("." means none), or null when it failed. */
    private static List<SrvTarget> srvTargets(Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query,
            List<String> failures, long[] ttl) {
        if (!query.isSuccess()) {
            failures.add("SRV: " + query.cause().getMessage());
            return null;
        }
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
        try {
            DnsResponse response = envelope.content();
            if (response.code() != DnsResponseCode.NOERROR) {
                failures.add("SRV: " + response.code());
                return null;
            }
            List<SrvTarget> targets = new ArrayList<>();
            int lowest = Integer.MAX_VALUE;
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (!(record instanceof DnsRawRecord raw) || record.type() != DnsRecordType.SRV) {
                    continue;
                }
                ByteBuf data = raw.content().duplicate();
                if (data.readableBytes() < 7) {
                    failures.add("SRV: a malformed record");
                    continue;
                }
                int priority = data.readUnsignedShort();
                data.skipBytes(2); // weight: every target of the lowest priority is used, each endpoint at full weight
                int port = data.readUnsignedShort();
                String host = DefaultDnsRecordDecoder.decodeName(data);
                ttl[0] = Math.min(ttl[0], record.timeToLive());
                if (host.equals(".") || port == 0) {
                    continue; // "no such service here"
                }
                if (priority < lowest) {
                    lowest = priority;
                    targets.clear();
                }
                SrvTarget target = new SrvTarget(host, port);
                if (priority == lowest && !targets.contains(target)) {
                    targets.add(target);
                }
            }
            return targets;
        } catch (RuntimeException malformed) {
            failures.add("SRV: a malformed record (" + malformed.getMessage() + ")");
            return null;
        } finally {
            envelope.release();
        }
    }

    /**
     * Both queries are done: the addresses they found. A query that failed keeps the last
     * addresses of its family (A: IPv4, AAAA: IPv6); when both failed, every last address stays.
     */
    private void answered(DnsBackend name, Name asked, Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> a,
            Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> aaaa) {
        List<String> failures = new ArrayList<>();
        long[] ttl = {Long.MAX_VALUE};
        List<InetAddress> v4 = addresses(a, DnsRecordType.A, failures, ttl);
        List<InetAddress> v6 = addresses(aaaa, DnsRecordType.AAAA, failures, ttl);
        synchronized (this) {
            List<Endpoint> found = null;
            if (v4 != null || v6 != null) {
                found = new ArrayList<>();
                addAll(found, v4 != null ? v4 : lastOf(asked, java.net.Inet4Address.class), name.port());
                addAll(found, v6 != null ? v6 : lastOf(asked, java.net.Inet6Address.class), name.port());
            }
            settle(name, asked, found, failures, ttl[0]);
        }
    }

    /**
     * A lookup of {@code name} is done: {@code found} is what it stands for now, or null when the
     * lookup failed (the last endpoints stay, the failure is logged at a bounded rate). The next
     * lookup comes after the records' TTL, or min-refresh after a failure.
     */
    private synchronized void settle(DnsBackend name, Name asked, List<Endpoint> found, List<String> failures, long ttlSeconds) {
        if (closed || names.get(name) != asked) {
            return; // no longer configured, or configured again since this lookup began
        }
        Duration next = settings.minRefresh();
        if (found == null) {
            long held = asked.failures.tryLog();
            if (held >= 0) {
                log.warn("discovery: looking up {} failed ({}); its last {} addresses stay ({} more failures since the last"
                        + " such line)", name, String.join("; ", failures), asked.endpoints.size(), held);
            }
        } else {
            if (!found.equals(asked.endpoints)) {
                log.info("discovery: {} resolves to {}", name, found.isEmpty() ? "no address" : found);
                asked.endpoints = List.copyOf(found);
                push();
            }
            if (failures.isEmpty() && ttlSeconds != Long.MAX_VALUE) {
                next = clamp(Duration.ofSeconds(ttlSeconds));
            }
        }
        asked.next = loop.schedule(() -> lookUp(name), next.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The addresses one query found, or null when it failed (its reason added to {@code failures}). */
    private static List<InetAddress> addresses(Future<AddressedEnvelope<DnsResponse, InetSocketAddress>> query,
            DnsRecordType type, List<String> failures, long[] ttl) {
        if (!query.isSuccess()) {
            failures.add(type + ": " + query.cause().getMessage());
            return null;
        }
        AddressedEnvelope<DnsResponse, InetSocketAddress> envelope = query.getNow();
        try {
            DnsResponse response = envelope.content();
            // NXDOMAIN too counts as a failure, the last addresses kept (HAProxy's "hold nx"): a
            // name that vanishes for a moment must not drain every endpoint.
            if (response.code() != DnsResponseCode.NOERROR) {
                failures.add(type + ": " + response.code());
                return null;
            }
            List<InetAddress> found = new ArrayList<>();
            for (int i = 0; i < response.count(DnsSection.ANSWER); i++) {
                DnsRecord record = response.recordAt(DnsSection.ANSWER, i);
                if (record instanceof DnsRawRecord raw && record.type() == type) {
                    try {
                        found.add(InetAddress.getByAddress(ByteBufUtil.getBytes(raw.content())));
                        ttl[0] = Math.min(ttl[0], record.timeToLive());
                    } catch (UnknownHostException malformed) {
                        failures.add(type + ": a malformed address record");
                    }
                }
            }
            return found;
        } finally {
            envelope.release();
        }
    }

    private static List<InetAddress> lastOf(Name name, Class<? extends InetAddress> family) {
        return name.endpoints.stream().map(endpoint -> {
            try {
                return InetAddress.getByName(endpoint.host()); // an IP literal: no lookup
            } catch (UnknownHostException notALiteral) {
                return null;
            }
        }).filter(family::isInstance).toList();
    }

    private static void addAll(List<Endpoint> endpoints, List<InetAddress> addresses, int port) {
        for (InetAddress address : addresses) {
            Endpoint endpoint = new Endpoint(endpointId(address, port), address.getHostAddress(), port);
            if (!endpoints.contains(endpoint)) {
                endpoints.add(endpoint);
            }
        }
    }

    private Duration clamp(Duration ttl) {
        return ttl.compareTo(settings.minRefresh()) < 0 ? settings.minRefresh()
                : ttl.compareTo(settings.maxRefresh()) > 0 ? settings.maxRefresh() : ttl;
    }

    private static String endpointId(InetAddress address, int port) {
        return address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]:" + port
                : address.getHostAddress() + ":" + port;
    }

    private synchronized DnsNameResolver resolver() {
        if (resolver == null) { // not after close(): lookUp checks closed under this same lock
            DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop.next())
                    .datagramChannelType(NioDatagramChannel.class)
                    .queryTimeoutMillis(Math.max(500, settings.minRefresh().toMillis()))
                    .nameServerProvider(settings.nameserver() != null
                            ? new SingletonDnsServerAddressStreamProvider(settings.nameserver())
                            : DnsServerAddressStreamProviders.platformDefault());
            resolver = builder.build();
        }
        return resolver;
    }

    @Override
    public synchronized void close() {
        closed = true;
        names.values().forEach(name -> {
            if (name.next != null) {
                name.next.cancel(false);
            }
        });
        if (resolver != null) {
            resolver.close();
            resolver = null;
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
