/**
 * Well-known service names by port, as nmap prints them, and the 100 TCP ports most often found
 * open (nmap's `--top-ports 100`). Names are what is conventionally registered on the port, not
 * a detection of what actually answers there.
 */

const TCP_NAMES: Record<number, string> = {
  7: 'echo', 9: 'discard', 13: 'daytime', 21: 'ftp', 22: 'ssh', 23: 'telnet', 25: 'smtp', 26: 'rsftp',
  37: 'time', 53: 'domain', 79: 'finger', 80: 'http', 81: 'hosts2-ns', 88: 'kerberos-sec', 106: 'pop3pw',
  110: 'pop3', 111: 'rpcbind', 113: 'ident', 119: 'nntp', 135: 'msrpc', 139: 'netbios-ssn', 143: 'imap',
  144: 'news', 179: 'bgp', 199: 'smux', 389: 'ldap', 427: 'svrloc', 443: 'https', 444: 'snpp',
  445: 'microsoft-ds', 465: 'smtps', 513: 'login', 514: 'shell', 515: 'printer', 543: 'klogin',
  544: 'kshell', 548: 'afp', 554: 'rtsp', 587: 'submission', 631: 'ipp', 636: 'ldapssl', 646: 'ldp',
  873: 'rsync', 990: 'ftps', 993: 'imaps', 995: 'pop3s', 1025: 'NFS-or-IIS', 1026: 'LSA-or-nterm',
  1027: 'IIS', 1029: 'ms-lsa', 1110: 'nfsd-status', 1433: 'ms-sql-s', 1521: 'oracle', 1720: 'h323q931',
  1723: 'pptp', 1755: 'wms', 1883: 'mqtt', 1900: 'upnp', 2000: 'cisco-sccp', 2001: 'dc', 2049: 'nfs',
  2121: 'ccproxy-ftp', 2375: 'docker', 2717: 'pn-requester', 3000: 'ppp', 3128: 'squid-http',
  3306: 'mysql', 3389: 'ms-wbt-server', 3986: 'mapper-ws_ethd', 4899: 'radmin', 5000: 'upnp',
  5009: 'airport-admin', 5051: 'ida-agent', 5060: 'sip', 5101: 'admdog', 5190: 'aol', 5357: 'wsdapi',
  5432: 'postgresql', 5631: 'pcanywheredata', 5666: 'nrpe', 5672: 'amqp', 5800: 'vnc-http', 5900: 'vnc',
  6000: 'X11', 6001: 'X11:1', 6379: 'redis', 6443: 'sun-sr-https', 7070: 'realserver', 8000: 'http-alt',
  8008: 'http', 8009: 'ajp13', 8080: 'http-proxy', 8081: 'blackice-icecap', 8443: 'https-alt',
  8888: 'sun-answerbook', 9000: 'cslistener', 9100: 'jetdirect', 9200: 'wap-wsp', 9999: 'abyss',
  10000: 'snet-sensor-mgmt', 11211: 'memcache', 27017: 'mongod', 32768: 'filenet-tms',
};

const UDP_NAMES: Record<number, string> = {
  7: 'echo', 9: 'discard', 13: 'daytime', 37: 'time', 53: 'domain', 67: 'dhcps', 68: 'dhcpc', 69: 'tftp',
  111: 'rpcbind', 123: 'ntp', 135: 'msrpc', 137: 'netbios-ns', 138: 'netbios-dgm', 161: 'snmp',
  162: 'snmptrap', 389: 'ldap', 443: 'https', 500: 'isakmp', 514: 'syslog', 520: 'route', 1194: 'openvpn',
  1434: 'ms-sql-m', 1812: 'radius', 1900: 'upnp', 4500: 'nat-t-ike', 5060: 'sip', 5353: 'zeroconf',
  11211: 'memcache',
};

/** nmap's 100 most frequently open TCP ports, ascending. */
export const TOP_100_TCP_PORTS: readonly number[] = Object.freeze([
  7, 9, 13, 21, 22, 23, 25, 26, 37, 53, 79, 80, 81, 88, 106, 110, 111, 113, 119, 135, 139, 143, 144, 179,
  199, 389, 427, 443, 444, 445, 465, 513, 514, 515, 543, 544, 548, 554, 587, 631, 646, 873, 990, 993, 995,
  1025, 1026, 1027, 1028, 1029, 1110, 1433, 1720, 1723, 1755, 1900, 2000, 2001, 2049, 2121, 2717, 3000,
  3128, 3306, 3389, 3986, 4899, 5000, 5009, 5051, 5060, 5101, 5190, 5357, 5432, 5631, 5666, 5800, 5900,
  6000, 6001, 6646, 7070, 8000, 8008, 8009, 8080, 8081, 8443, 8888, 9100, 9999, 10000, 32768, 49152,
  49153, 49154, 49155, 49156, 49157,
]);

/** The conventional service name of a port, or undefined when none is known. */
export function serviceName(port: number, protocol: 'tcp' | 'udp' = 'tcp'): string | undefined {
  return (protocol === 'udp' ? UDP_NAMES : TCP_NAMES)[port];
}
