// Horizon, the dashboard, as Debian packages it (openstack-dashboard under Apache's mod_wsgi). Stacklab
// keeps Debian's local_settings.py and adds its own settings in local_settings.d (Horizon reads that folder
// after local_settings.py), and writes the Apache site whole: one WSGI daemon process instead of running
// Django inside every Apache worker, which under software emulation costs minutes and memory. Horizon stays
// at /horizon, where Debian's settings put it (local_settings.d/_0005_debian_webroot.py: WEBROOT, and so the
// login redirect and the static files its offline-compressed pages name): served at the site's root, a
// login went on to /horizon/, which was not there (seen on the lab).
import { STAGE_PACKAGES, STAGE_UNITS, enableUnits, pageCheck, type PlanContext, type Stage } from './common'

/** Where Horizon answers (Debian's WEBROOT, /horizon) and its login page. */
export const horizonUrl = (ip: string) => `http://${ip}/horizon/`
export const horizonLoginUrl = (ip: string) => `http://${ip}/horizon/auth/login/`

export function dashboardStages(x: PlanContext): Stage[] {
  const { c, ip, title } = x
  const horizon: Stage = {
    id: 'horizon',
    title: title('horizon'),
    packages: [{ node: c, names: STAGE_PACKAGES.horizon.controller }],
    files: [
      {
        node: c,
        path: '/etc/openstack-dashboard/local_settings.d/_50_stacklab.py',
        owner: 'root:root',
        mode: '0644',
        content: [
          "# Stacklab: Horizon for this lab (read after Debian's /etc/openstack-dashboard/local_settings.py)",
          `OPENSTACK_HOST = "${ip}"`,
          'OPENSTACK_KEYSTONE_URL = "http://%s:5000/v3" % OPENSTACK_HOST',
          'OPENSTACK_KEYSTONE_DEFAULT_DOMAIN = "Default"',
          'OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"',
          'OPENSTACK_API_VERSIONS = {"identity": 3, "image": 2, "volume": 3}',
          "ALLOWED_HOSTS = ['*']",
          "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'",
          'CACHES = {',
          "    'default': {",
          "        'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache',",
          `        'LOCATION': '${ip}:11211',`,
          '    }',
          '}',
          '',
        ].join('\n'),
        purpose: "Horizon talks to this lab's Keystone; sessions in memcached",
      },
      {
        node: c,
        path: '/etc/apache2/sites-available/openstack-dashboard.conf',
        owner: 'root:root',
        mode: '0644',
        content: [
          '# Stacklab: Horizon at http://<controller>/horizon/ in one mod_wsgi daemon process (2 threads)',
          '<VirtualHost *:80>',
          '    RedirectMatch ^/$ /horizon/',
          '    Alias /horizon/static /var/lib/openstack-dashboard/static',
          '    WSGIScriptAlias /horizon /usr/share/openstack-dashboard/wsgi.py',
          '    WSGIDaemonProcess horizon user=www-data group=www-data processes=1 threads=2 display-name=%{GROUP}',
          '    WSGIProcessGroup horizon',
          '    WSGIApplicationGroup %{GLOBAL}',
          '    <Directory /usr/share/openstack-dashboard>',
          '        Require all granted',
          '    </Directory>',
          '    <Directory /var/lib/openstack-dashboard/static>',
          '        Require all granted',
          '    </Directory>',
          '    ErrorLog /var/log/openstack-dashboard/error.log',
          '    LogLevel warn',
          '    CustomLog /var/log/openstack-dashboard/access.log combined',
          '</VirtualHost>',
          '',
        ].join('\n'),
        purpose: 'the Apache site that serves Horizon',
      },
    ],
    scripts: [
      {
        node: c,
        script: [
          'install -d -o www-data -g www-data /var/log/openstack-dashboard',
          "# Debian enables Horizon at /horizon inside Apache's own processes, and the default sites: off",
          'for site in 000-default default-ssl openstack-dashboard-alias-only; do',
          '  if [ -e /etc/apache2/sites-enabled/$site.conf ]; then a2dissite $site; fi',
          'done',
          'a2enmod wsgi',
          'a2ensite openstack-dashboard',
          enableUnits(STAGE_UNITS.horizon.controller),
        ].join('\n'),
      },
    ],
    checks: [pageCheck(c, "Horizon's login page answers", horizonLoginUrl(ip), 'id="loginBtn"')],
    hint: "Horizon logs to /var/log/openstack-dashboard/error.log on the controller; Apache's own log is /var/log/apache2/error.log.",
  }
  return [horizon]
}
