"""DNS zones of the farm's companies, and of the vendor names their records point to.

Zone-file text (what `dnslib.RR.fromZone` reads), served by :mod:`tests.farm.dns`. Each
company's records tell the same story as its website in :mod:`tests.farm.sites` (b2bsaas.test
runs HubSpot, Intercom and Greenhouse; shopstore.test is a Shopify store), plus what only DNS
shows: the mail provider, the SaaS sending mail for it, verified vendors, DMARC report readers,
subdomain CNAMEs. ``TRUTH`` lists what the detectors should find from DNS alone, and what they
must not (a vendor's own records are not the account's).

The vendor names (``_spf.google.com``...) exist only here: test traffic never leaves loopback.
"""

from __future__ import annotations

import random

# A long SPF record, sent as two strings (RFC 7208 3.3: concatenated without a space): the
# include in the second string must be found too.
_B2B_SPF_1 = (
    "v=spf1 ip4:198.51.100.10 ip4:198.51.100.11 ip4:198.51.100.12 ip4:198.51.100.13 "
    "ip4:198.51.100.14 ip4:198.51.100.15 ip4:198.51.100.16 ip4:198.51.100.17 "
    "ip4:198.51.100.18 ip4:198.51.100.19 ip4:198.51.100.20 ip4:198.51.100.21 "
    "include:_spf.google.com "
)
_B2B_SPF_2 = "include:_spf.b2bsaas.test include:mail.zendesk.com ~all"
assert len(_B2B_SPF_1) > 200 and len(_B2B_SPF_1 + _B2B_SPF_2) > 255
# A 2048-bit DKIM key does not fit one 255-byte string either.
_DKIM_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + "q" * 300 + "IDAQAB"
_DKIM_1, _DKIM_2 = f"v=DKIM1; k=rsa; p={_DKIM_KEY}"[:250], f"v=DKIM1; k=rsa; p={_DKIM_KEY}"[250:]

B2BSAAS = f"""
b2bsaas.test. 300 IN SOA ns-cloud-a1.googledomains.com. cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300
b2bsaas.test. 300 IN NS ns-cloud-a1.googledomains.com.
b2bsaas.test. 300 IN NS ns-cloud-a2.googledomains.com.
b2bsaas.test. 300 IN MX 1 aspmx.l.google.com.
b2bsaas.test. 300 IN MX 5 alt1.aspmx.l.google.com.
b2bsaas.test. 300 IN TXT "{_B2B_SPF_1}" "{_B2B_SPF_2}"
b2bsaas.test. 300 IN TXT "google-site-verification=Xc8kq2V3pLr0Tn7YbWm5Zd1Hf9Js4Ga6Ue2Io8Pq0Rs"
b2bsaas.test. 300 IN TXT "atlassian-domain-verification=Qm7RrT0x9Lk2Vb8Nc3Zd6Wf1Hg4Js5Pa7Ue0Io2Yt8Sx"
b2bsaas.test. 300 IN TXT "docusign=2f6d1c9a-3b7e-4a58-9c0d-7e1f2a3b4c5d"
b2bsaas.test. 300 IN TXT "hubspot-developer-verification=ODk5YjQ2ZjItYzE3ZS00Y2Q1LWI4ZTAtOWNmMmI2NWE0YjEx"
b2bsaas.test. 300 IN CAA 0 issue "letsencrypt.org"
b2bsaas.test. 300 IN A 203.0.113.10
_spf.b2bsaas.test. 300 IN TXT "v=spf1 include:123456.spf01.hubspotemail.net include:sendgrid.net ~all"
_dmarc.b2bsaas.test. 300 IN TXT "v=DMARC1; p=none; rua=mailto:rua@ag.dmarcian.com; ruf=mailto:ruf@fr.dmarcian.com; fo=1"
www.b2bsaas.test. 300 IN CNAME b2bsaas.test.
help.b2bsaas.test. 300 IN CNAME b2bsaas.zendesk.com.
status.b2bsaas.test. 300 IN CNAME xq9w2k7v4m1p.stspg-customer.com.
careers.b2bsaas.test. 300 IN CNAME job-boards.greenhouse.io.
go.b2bsaas.test. 300 IN CNAME 123456.group6.sites.hubspot.net.
docs.b2bsaas.test. 300 IN CNAME hosting.gitbook.io.
email.b2bsaas.test. 300 IN CNAME u1234567.wl123.sendgrid.net.
google._domainkey.b2bsaas.test. 300 IN TXT "{_DKIM_1}" "{_DKIM_2}"
s1._domainkey.b2bsaas.test. 300 IN CNAME s1.domainkey.u1234567.wl123.sendgrid.net.
"""

SHOPSTORE = """
shopstore.test. 300 IN SOA dana.ns.cloudflare.com. dns.cloudflare.com. 2305123456 10000 2400 604800 1800
shopstore.test. 300 IN NS dana.ns.cloudflare.com.
shopstore.test. 300 IN NS walt.ns.cloudflare.com.
shopstore.test. 300 IN MX 0 shopstore-test.mail.protection.outlook.com.
shopstore.test. 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:servers.mcsv.net include:shops.shopify.com -all"
shopstore.test. 300 IN TXT "MS=ms73910265"
shopstore.test. 300 IN TXT "facebook-domain-verification=q8w3e1r7t5y2u9i0o4p6a1s3d5f7g9"
shopstore.test. 300 IN TXT "google-site-verification=Lm2Nb4Vc6Xz8Aq1Ws3Ed5Rf7Tg9Yh0Uj2Ik4Ol6Pp8"
shopstore.test. 300 IN A 23.227.38.65
_dmarc.shopstore.test. 300 IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@shopstore.test"
www.shopstore.test. 300 IN CNAME shops.myshopify.com.
shop.shopstore.test. 300 IN CNAME shops.myshopify.com.
help.shopstore.test. 300 IN CNAME shopstore.freshdesk.com.
jobs.shopstore.test. 300 IN CNAME jobs.lever.co.
k1._domainkey.shopstore.test. 300 IN CNAME dkim.mcsv.net.
selector1._domainkey.shopstore.test. 300 IN CNAME selector1-shopstore-test._domainkey.shopstoretest.onmicrosoft.com.
"""

NEXTAPP = """
nextapp.test. 300 IN SOA kai.ns.cloudflare.com. dns.cloudflare.com. 2305000001 10000 2400 604800 1800
nextapp.test. 300 IN NS kai.ns.cloudflare.com.
nextapp.test. 300 IN NS uma.ns.cloudflare.com.
nextapp.test. 300 IN MX 1 smtp.google.com.
nextapp.test. 300 IN TXT "v=spf1 include:_spf.google.com include:mailgun.org ~all"
nextapp.test. 300 IN TXT "stripe-verification=6f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4"
nextapp.test. 300 IN TXT "ZOOM_verify_Ab3dEf6hIj9kLm2nOp5qRs"
_dmarc.nextapp.test. 300 IN TXT "v=DMARC1; p=reject; rua=mailto:d@rua.agari.com; ruf=mailto:d@ruf.agari.com"
app.nextapp.test. 300 IN CNAME cname.vercel-dns.com.
docs.nextapp.test. 300 IN CNAME ssl.readmessl.com.
help.nextapp.test. 300 IN CNAME nextapp.zendesk.com.
status.nextapp.test. 300 IN CNAME stats.uptimerobot.com.
community.nextapp.test. 300 IN CNAME nextapp.hosted-by-discourse.com.
"""

LEGACY = """
legacy.test. 3600 IN SOA ns51.domaincontrol.com. dns.jomax.net. 2023080101 28800 7200 604800 3600
legacy.test. 3600 IN NS ns51.domaincontrol.com.
legacy.test. 3600 IN NS ns52.domaincontrol.com.
legacy.test. 3600 IN MX 0 smtp.secureserver.net.
legacy.test. 3600 IN MX 10 mailstore1.secureserver.net.
legacy.test. 3600 IN TXT "v=spf1 include:secureserver.net -all"
legacy.test. 3600 IN A 198.51.100.7
www.legacy.test. 3600 IN CNAME legacy.test.
"""

REDIRECTOR = """
redirector.test. 300 IN SOA ns-1234.awsdns-26.org. awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400
redirector.test. 300 IN NS ns-1234.awsdns-26.org.
redirector.test. 300 IN NS ns-567.awsdns-06.net.
redirector.test. 300 IN MX 10 mx0a-00123401.pphosted.com.
redirector.test. 300 IN MX 10 mx0b-00123401.pphosted.com.
redirector.test. 300 IN TXT "v=spf1 include:spf.protection.outlook.com include:mktomail.com include:_spf.salesforce.com include:aspmx.pardot.com -all"
redirector.test. 300 IN TXT "MS=ms99812231"
redirector.test. 300 IN TXT "adobe-idp-site-verification=8c0f2d4e6a8b0c2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8e0f2a4b6c8d0e"
redirector.test. 300 IN CAA 0 issue "digicert.com"
redirector.test. 300 IN A 192.0.2.80
_dmarc.redirector.test. 300 IN TXT "v=DMARC1; p=reject; pct=100; rua=mailto:dmarc_rua@emaildefense.proofpoint.com"
www.redirector.test. 300 IN CNAME www.redirector.test.edgekey.net.
go.redirector.test. 300 IN CNAME redirector.mktoweb.com.
info.redirector.test. 300 IN CNAME go.pardot.com.
"""

BLOCKED = """
blocked.test. 300 IN MX 1 aspmx.l.google.com.
blocked.test. 300 IN TXT "v=spf1 include:_spf.google.com ~all"
blocked.test. 300 IN A 192.0.2.90
"""

CHALLENGE = """
challenge.test. 300 IN NS ada.ns.cloudflare.com.
challenge.test. 300 IN A 104.16.0.1
"""

DEAD = """
dead.test. 300 IN A 192.0.2.99
"""

# Zones made for the tests of the SPF walk (not farm sites).
SPF_CASES = "\n".join(
    [
        'spfloop.test. 300 IN TXT "v=spf1 include:a.spfloop.test -all"',
        'a.spfloop.test. 300 IN TXT "v=spf1 include:b.spfloop.test -all"',
        'b.spfloop.test. 300 IN TXT "v=spf1 ip4:192.0.2.1 include:a.spfloop.test -all"',
        'spfdeep.test. 300 IN TXT "v=spf1 include:d1.spfdeep.test -all"',
        *(
            f'd{i}.spfdeep.test. 300 IN TXT "v=spf1 include:d{i + 1}.spfdeep.test -all"'
            for i in range(1, 14)
        ),
        'd14.spfdeep.test. 300 IN TXT "v=spf1 ip4:192.0.2.14 -all"',
        # CNAME chain of three hops inside the zone, then a vendor.
        "deep.chain.test. 300 IN CNAME hop1.chain.test.",
        "hop1.chain.test. 300 IN CNAME hop2.chain.test.",
        "hop2.chain.test. 300 IN CNAME chain-test.zendesk.com.",
        "chain-test.zendesk.com. 300 IN A 192.0.2.7",
        "loop.chain.test. 300 IN CNAME loop2.chain.test.",
        "loop2.chain.test. 300 IN CNAME loop.chain.test.",
        "chain.test. 300 IN A 192.0.2.6",
    ]
)

VENDORS = """
_spf.google.com. 300 IN TXT "v=spf1 include:_netblocks.google.com include:_netblocks2.google.com include:_netblocks3.google.com ~all"
_netblocks.google.com. 300 IN TXT "v=spf1 ip4:35.190.247.0/24 ip4:64.233.160.0/19 ~all"
_netblocks2.google.com. 300 IN TXT "v=spf1 ip6:2001:4860:4000::/36 ~all"
_netblocks3.google.com. 300 IN TXT "v=spf1 ip4:172.217.0.0/19 ~all"
spf.protection.outlook.com. 300 IN TXT "v=spf1 ip4:40.92.0.0/15 ip4:40.107.0.0/16 -all"
mail.zendesk.com. 300 IN TXT "v=spf1 ip4:192.161.144.0/20 include:mailgun.org ~all"
mailgun.org. 300 IN TXT "v=spf1 include:_spf.mailgun.org ~all"
_spf.mailgun.org. 300 IN TXT "v=spf1 ip4:209.61.151.0/24 ip4:166.78.68.0/22 ~all"
sendgrid.net. 300 IN TXT "v=spf1 ip4:167.89.0.0/17 ip4:208.117.48.0/20 ~all"
123456.spf01.hubspotemail.net. 300 IN TXT "v=spf1 ip4:3.93.157.0/24 ip4:3.210.190.0/24 -all"
servers.mcsv.net. 300 IN TXT "v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ~all"
shops.shopify.com. 300 IN TXT "v=spf1 ip4:23.227.32.0/19 ~all"
mktomail.com. 300 IN TXT "v=spf1 ip4:192.28.128.0/18 ip4:199.15.212.0/22 ~all"
_spf.salesforce.com. 300 IN TXT "v=spf1 exists:%{i}._spf.mta.salesforce.com -all"
aspmx.pardot.com. 300 IN TXT "v=spf1 ip4:136.147.176.0/20 ~all"
secureserver.net. 300 IN TXT "v=spf1 include:spf-1.secureserver.net -all"
spf-1.secureserver.net. 300 IN TXT "v=spf1 ip4:72.167.218.0/24 -all"
b2bsaas.zendesk.com. 300 IN CNAME zendesk.map.fastly.net.
nextapp.zendesk.com. 300 IN CNAME zendesk.map.fastly.net.
zendesk.map.fastly.net. 300 IN A 151.101.1.1
xq9w2k7v4m1p.stspg-customer.com. 300 IN A 52.215.192.131
job-boards.greenhouse.io. 300 IN A 104.18.20.1
123456.group6.sites.hubspot.net. 300 IN A 199.60.103.6
hosting.gitbook.io. 300 IN A 34.111.1.1
u1234567.wl123.sendgrid.net. 300 IN A 167.89.115.1
shops.myshopify.com. 300 IN A 23.227.38.65
shopstore.freshdesk.com. 300 IN A 52.1.2.3
jobs.lever.co. 300 IN A 52.4.5.6
cname.vercel-dns.com. 300 IN A 76.76.21.21
ssl.readmessl.com. 300 IN A 35.1.2.3
stats.uptimerobot.com. 300 IN A 69.162.124.230
nextapp.hosted-by-discourse.com. 300 IN A 184.105.99.43
www.redirector.test.edgekey.net. 300 IN CNAME e1234.a.akamaiedge.net.
e1234.a.akamaiedge.net. 300 IN A 23.50.0.1
redirector.mktoweb.com. 300 IN A 192.28.144.1
s1.domainkey.u1234567.wl123.sendgrid.net. 300 IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC1"
dkim.mcsv.net. 300 IN TXT "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCmc"
go.pardot.com. 300 IN A 136.147.177.1
"""

ZONES = (B2BSAAS, SHOPSTORE, NEXTAPP, LEGACY, REDIRECTOR, BLOCKED, CHALLENGE, DEAD, SPF_CASES,
         VENDORS)  # fmt: skip

TRUTH: dict[str, dict[str, list[str]]] = {
    "b2bsaas.test": {
        "detect": ["Google Workspace", "Google Search Console", "Atlassian Cloud", "DocuSign",
                   "HubSpot", "Sendgrid", "Zendesk", "Atlassian Statuspage", "Greenhouse",
                   "HubSpot CMS Hub", "GitBook", "dmarcian", "Google Cloud"],
        # mail.zendesk.com includes mailgun.org and Zendesk's CNAME goes through Fastly: both
        # are Zendesk's suppliers, not the account's.
        "not": ["Mailgun", "Fastly", "Microsoft 365"],
    },
    "shopstore.test": {
        "detect": ["Microsoft 365", "MailChimp", "Shopify", "Cloudflare", "Freshdesk", "Lever",
                   "Facebook Business Manager", "Google Search Console"],
        "not": [],
    },
    "nextapp.test": {
        "detect": ["Google Workspace", "Mailgun", "Stripe", "Zoom", "Agari", "Vercel", "ReadMe",
                   "Zendesk", "UptimeRobot", "Discourse", "Cloudflare"],
        "not": ["Fastly"],
    },
    "legacy.test": {"detect": ["GoDaddy Email", "GoDaddy"], "not": []},
    "redirector.test": {
        "detect": ["Proofpoint", "Marketo", "Salesforce", "Salesforce Marketing Cloud Account Engagement",
                   "Microsoft 365", "Adobe Admin Console", "Akamai", "Amazon Web Services",
                   "DigiCert"],
        "not": [],
    },
}  # fmt: skip


# Zones for the generated sites of tests/farm/generate.py (co00000.test ...), for benchmarks:
# a mail provider, one to three senders in SPF, a few verification tokens and subdomain
# CNAMEs, DMARC for most; drawn from the site's index so zone i never changes.
_MAIL = (("1 aspmx.l.google.com.", "_spf.google.com"),
         ("0 {label}.mail.protection.outlook.com.", "spf.protection.outlook.com"),
         ("10 mx0a-00123401.pphosted.com.", "spf.protection.outlook.com"),
         ("0 smtp.secureserver.net.", "secureserver.net"))  # fmt: skip
_SENDERS = ("servers.mcsv.net", "sendgrid.net", "mktomail.com", "123456.spf01.hubspotemail.net",
            "mailgun.org", "mail.zendesk.com", "aspmx.pardot.com")  # fmt: skip
_TOKENS = ("google-site-verification={token}", "MS=ms{digits}", "atlassian-domain-verification={token}",
           "facebook-domain-verification={token}", "docusign={token}")  # fmt: skip
_CNAMES = (("help", "{label}.zendesk.com."), ("status", "{token}.stspg-customer.com."),
           ("careers", "job-boards.greenhouse.io."), ("go", "{label}.mktoweb.com."),
           ("shop", "shops.myshopify.com."), ("docs", "hosting.gitbook.io."))  # fmt: skip


def generated_zone(i: int) -> str:
    rng = random.Random(f"zone:{i}")
    host, label = f"co{i:05d}.test", f"co{i:05d}"
    fill = {"label": label, "token": f"{rng.getrandbits(96):024x}",
            "digits": str(rng.randrange(10**7, 10**8))}  # fmt: skip
    mx, spf = _MAIL[rng.randrange(len(_MAIL))]
    senders = rng.sample(_SENDERS, rng.randint(1, 3))
    lines = [f"{host}. 300 IN MX {mx.format(**fill)}",
             f'{host}. 300 IN TXT "v=spf1 {" ".join(f"include:{s}" for s in [spf, *senders])} ~all"',
             f"{host}. 300 IN A 192.0.2.{i % 250 + 1}"]  # fmt: skip
    lines += [f'{host}. 300 IN TXT "{t.format(**fill)}"' for t in rng.sample(_TOKENS, 2)]
    lines += [f"{sub}.{host}. 300 IN CNAME {target.format(**fill)}"
              for sub, target in rng.sample(_CNAMES, rng.randint(0, 3))]  # fmt: skip
    if rng.random() < 0.7:
        policy = rng.choice(("none", "quarantine", "reject"))
        lines.append(
            f'_dmarc.{host}. 300 IN TXT "v=DMARC1; p={policy}; rua=mailto:d@ag.dmarcian.com"'
        )
    return "\n".join(lines)
