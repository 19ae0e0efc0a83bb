# Varnish in front of Kopij's app nodes (README: "Edge cache"). Varnish 7.1 + varnish-modules.
#
# Reader pages (HTML, feeds, sitemaps) are kept as long as the site says (s-maxage) and purged
# by tag (`xkey`) the moment something changes; when the app or its database fails, the copy
# in hand is served (grace). Nothing personal is ever cached: the admin, previews, POSTs and
# answers that set or vary on a cookie always go to the app.
vcl 4.1;

import directors;
import std;
import xkey;

# The app's health check: it answers 200 only with the database reachable, so a database
# outage also makes the node sick and readers get the copies in grace.
probe kopij_health {
    .url = "/health/";
    .timeout = 2s;
    .interval = 1s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}

# Generated per site by deploy/varnish/site_vcl.py: the app nodes (backends using the probe
# above, gathered in the director `app`), the `purgers` ACL and `sub kopij_host_allowed`.
include "site.vcl";

sub vcl_recv {
    set req.backend_hint = app.backend();
    if (req.restarts == 0) {
        # Internal to this VCL; a client may not set it.
        unset req.http.X-Kopij-Stale;
    }

    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.method == "BAN" || !req.http.xkey-purge) {
            return (synth(400, "Send PURGE with an xkey-purge header"));
        }
        # Soft: the purged copies stay in grace, for when the app cannot answer.
        set req.http.X-Purged = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.X-Purged));
    }

    if (req.http.Accept-Encoding ~ "gzip") {
        set req.http.Accept-Encoding = "gzip";
    } else {
        unset req.http.Accept-Encoding;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|preview|health)(/|\?|$)"
        || req.url ~ "^/nieuwsbrief/(bevestigen|afmelden)/"
        || req.http.Authorization) {
        return (pass);
    }
    set req.http.host = std.tolower(req.http.host);
    call kopij_host_allowed;
    if (!req.http.X-Kopij-Host-Allowed) {
        # Django refuses it (400); whatever it answers is never kept.
        return (pass);
    }
    unset req.http.X-Kopij-Host-Allowed;

    # Reader pages are the same for everyone: the reader cookie (kopij_lezer) and any other
    # cookie stay out of the request, so they can neither split nor bypass the cache.
    unset req.http.Cookie;

    # Only the parameters reader pages read stay (edge.pagecache.QUERY_PARAMS): utm_*,
    # fbclid, gclid and any other noise cannot split or poison the cache.
    if (req.url ~ "\?") {
        set req.url = regsuball(req.url, "([?&])(?!(?:page|p|q|section|period|voor|na)=)[^&]*", "\1");
        set req.url = regsuball(req.url, "&{2,}", "&");
        set req.url = regsub(req.url, "\?&+", "?");
        set req.url = regsub(req.url, "[?&]+$", "");
        set req.url = std.querysort(req.url);
    }

    if (req.http.X-Kopij-Stale || !std.healthy(req.backend_hint)) {
        # The app failed or is sick: any copy within its grace (stale-if-error) will do.
        set req.grace = 365d;
    } else {
        # Healthy: never an expired or purged copy, so a correction shows at once.
        set req.grace = 0s;
    }
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.host);
    return (lookup);
}

sub vcl_backend_response {
    if (beresp.status >= 500 && !bereq.http.X-Kopij-Stale && bereq.method == "GET") {
        # Try once more with any stale copy (vcl_synth restarts); else the app's own 503.
        return (abandon);
    }
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Vary ~ "(?i)cookie"
        || beresp.http.Cache-Control !~ "(?i)\bpublic\b"
        || beresp.http.Cache-Control ~ "(?i)(private|no-store|no-cache)") {
        # Hit-for-miss: ask the app each time for the next two minutes.
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Grace from stale-if-error (Varnish takes s-maxage as the TTL itself).
    set beresp.grace = std.duration(
        regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\1s"), 0s);
    # Kept for conditional refetches: an unchanged page comes back as a cheap 304.
    set beresp.keep = 1h;
    if (beresp.http.Content-Type ~ "^(text/|application/(rss|atom)?\+?xml|application/json)") {
        set beresp.do_gzip = true;
    }
    return (deliver);
}

sub vcl_backend_error {
    if (!bereq.http.X-Kopij-Stale && bereq.method == "GET") {
        return (abandon);
    }
    # No app node answered and no copy is in hand: the same Dutch page the app gives.
    set beresp.status = 503;
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    set beresp.http.Cache-Control = "no-store";
    synthetic({"<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Even niet beschikbaar</title></head>
<body><h1>Even niet beschikbaar</h1>
<p>De site is tijdelijk niet bereikbaar. Probeer het over een halve minuut opnieuw.</p>
</body></html>
"});
    return (deliver);
}

sub vcl_synth {
    if (resp.status == 503 && req.restarts == 0 && (req.method == "GET" || req.method == "HEAD")
        && !req.http.X-Kopij-Stale) {
        set req.http.X-Kopij-Stale = "1";
        return (restart);
    }
}

sub vcl_deliver {
    # Tags and the edge's lifetime are for caches, not for browsers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Surrogate-Control;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } else if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
