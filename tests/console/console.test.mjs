// The console in a real browser: a person opens the printed link, sets a
// password and walks the seeds' Portal flows; the security rules are
// checked from the browser's side; every page is checked with axe-core and
// saved at 360 px and 1440 px. Elements are found by role and accessible
// name, as a person finds them.

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { api, launch, shoot, startServer } from './support.mjs'

const PASSWORD = 'correct horse battery staple'

describe('the console', () => {
  let server, browser, context, page

  before(async () => {
    server = await startServer(['--plan', 'commercial'])
    browser = await launch()
    context = await browser.newContext()
    page = await context.newPage()
    page.setDefaultTimeout(10_000)
    page.on('dialog', (dialog) => dialog.accept())
  })

  after(async () => {
    await browser?.close()
    await server?.stop()
  })

  /** Asserts no serious or critical axe violation, and saves the page. */
  async function look (name) {
    const violations = await shoot(page, name)
    assert.deepEqual(violations, [], `axe on ${name}`)
  }

  const heading = (p, name) => p.getByRole('heading', { level: 1, name })

  test('the printed link sets the first password and signs the admin in', async () => {
    assert.ok(server.link, 'the first start prints a password link')
    await page.goto(server.url + '/console/password?token=' + 'x'.repeat(43))
    await heading(page, 'This link does not work').waitFor()
    await look('password-link-invalid')

    await page.goto(server.link)
    await heading(page, 'Set your password').waitFor()
    // The browser itself refuses a short password (minlength); the server's
    // checks show next to their fields.
    await page.getByLabel('New password').fill(PASSWORD)
    await page.getByLabel('The same password again').fill(PASSWORD + '!')
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    await page.locator('#confirm-error').getByText('The two passwords differ.').waitFor()
    await look('password-link')

    await page.getByLabel('New password').fill(PASSWORD)
    await page.getByLabel('The same password again').fill(PASSWORD)
    await page.getByRole('button', { name: 'Set password and sign in' }).click()
    await heading(page, 'Applications').waitFor()

    const cookies = await context.cookies()
    const session = cookies.find((c) => c.name === 'latchkey_session')
    assert.ok(session, 'a session cookie')
    assert.equal(session.httpOnly, true)
    assert.equal(session.sameSite, 'Strict')
    assert.equal(session.path, '/console')
    const users = await api(server, 'GET', '/v3/users')
    assert.equal(users.body.data[0].has_password, true)

    // The link worked once.
    await page.goto(server.link)
    await heading(page, 'This link does not work').waitFor()
  })

  test('sign-out and sign-in, a wrong password refused', async () => {
    await page.goto(server.url + '/console/applications')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await heading(page, 'Sign in to Latchkey').waitFor()
    await page.getByLabel('Email').fill('admin@latchkey.invalid')
    await page.getByLabel('Password').fill('not the password at all')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.locator('#password-error').getByText('The email or the password is wrong.').waitFor()
    await look('sign-in')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await heading(page, 'Applications').waitFor()
  })

  let billing, ciKey

  test('a new application, its page, an error next to its field', async () => {
    await page.getByRole('link', { name: 'New application' }).click()
    await heading(page, 'New application').waitFor()
    await page.getByRole('button', { name: 'Create application' }).click()
    // The browser's own check stops an empty name; the server's check shows
    // next to the field for a name the browser accepts.
    await page.getByLabel('Name').fill(' billing')
    await page.getByRole('button', { name: 'Create application' }).click()
    await page.locator('#name-error').waitFor()
    await look('application-new')
    await page.getByLabel('Name').fill('billing')
    await page.getByLabel('Description').fill('Invoices and payments')
    await page.getByRole('checkbox', { name: 'Administrators' }).check()
    await page.getByRole('button', { name: 'Create application' }).click()
    await heading(page, 'billing').waitFor()
    billing = page.url().match(/applications\/(app_\w+)/)[1]
    const stored = await api(server, 'GET', `/v3/applications/${billing}`)
    assert.equal(stored.body.description, 'Invoices and payments')
    assert.equal(stored.body.group_ids.length, 1)
    await page.getByRole('heading', { name: 'Summary' }).waitFor()
    await page.getByRole('heading', { name: 'Attributes' }).waitFor()
  })

  test('a new access key is shown once, copied, and works', async () => {
    await page.goto(`${server.url}/console/applications/${billing}`)
    await page.getByRole('link', { name: 'New access key' }).click()
    await heading(page, 'New access key').waitFor()
    await look('access-key-new')
    await page.getByLabel('Name').fill('ci')
    await page.getByLabel('Description').fill('The build')
    await page.getByRole('checkbox', { name: 'applications:view:any' }).check()
    await page.getByRole('button', { name: 'Create access key' }).click()
    await heading(page, 'Access key created').waitFor()
    const secret = await page.getByRole('textbox', { name: 'Access key “ci”' }).inputValue()
    assert.match(secret, /^ak_\w{71}$/)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url })
    await page.getByRole('button', { name: 'Copy to clipboard' }).click()
    await page.getByText(/Copied to the clipboard|Press Ctrl\+C/).waitFor()
    await look('access-key-created')
    const me = await api(server, 'GET', '/v3/me', null, secret)
    assert.equal(me.status, 200)
    assert.deepEqual(me.body.credential.scopes, ['applications:view:any'])
    ciKey = { id: me.body.credential.id, secret }

    await page.getByRole('link', { name: 'I have copied my access key – Close' }).click()
    await heading(page, 'ci').waitFor()
    assert.ok(!(await page.content()).includes(secret), 'never shown again')
    await look('access-key')
  })

  test('Edit deactivates, reactivates and sets an expiration; revoke hides it; delete removes it', async () => {
    const keyPage = `${server.url}/console/applications/${billing}/access-keys/${ciKey.id}`
    await page.goto(keyPage)
    await page.getByRole('radio', { name: 'Inactive (deactivated)' }).check()
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved.').waitFor()
    assert.equal((await api(server, 'GET', '/v3/me', null, ciKey.secret)).status, 401)
    await page.getByRole('radio', { name: 'Active', exact: true }).check()
    await page.getByLabel('Expiration (UTC)').fill('2031-01-31T18:00')
    await page.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').getByText('Saved.').waitFor()
    assert.equal((await api(server, 'GET', '/v3/me', null, ciKey.secret)).status, 200)
    const stored = await api(server, 'GET', `/v3/applications/${billing}/access-keys/${ciKey.id}`)
    assert.equal(stored.body.expiration, '2031-01-31T18:00:00Z')
    assert.equal(stored.body.status, 'active')

    await page.getByRole('button', { name: 'Revoke access key' }).click()
    await page.getByRole('status').getByText('Revoked.').waitFor()
    assert.equal((await api(server, 'GET', '/v3/me', null, ciKey.secret)).status, 401)
    await page.goto(`${server.url}/console/applications/${billing}`)
    assert.equal(await page.getByRole('link', { name: 'ci', exact: true }).count(), 0, 'revoked keys leave the table')
    await look('application')

    await page.goto(keyPage)
    await page.getByRole('button', { name: 'Delete access key' }).click()
    await page.getByRole('status').getByText('Deleted.').waitFor()
    assert.equal((await api(server, 'GET', `/v3/applications/${billing}/access-keys/${ciKey.id}`)).status, 404)
  })

  test('the account-wide list selects several keys and deletes them all or none', async () => {
    const made = []
    for (const name of ['k1', 'k2']) {
      const created = await api(server, 'POST', `/v3/applications/${billing}/access-keys`, { name })
      assert.equal(created.status, 201)
      made.push(created.body.id)
    }
    await page.goto(server.url + '/console/access-keys')
    await heading(page, 'Access keys').waitFor()
    await page.getByRole('checkbox', { name: 'Select k1' }).check()
    await page.getByRole('checkbox', { name: 'Select k2' }).check()
    // k2 disappears behind the page's back: nothing is deleted.
    await api(server, 'DELETE', `/v3/applications/${billing}/access-keys/${made[1]}`)
    await page.getByRole('button', { name: 'Delete selected keys' }).click()
    await page.getByText('cannot be deleted: not found').waitFor()
    assert.equal((await api(server, 'GET', `/v3/applications/${billing}/access-keys/${made[0]}`)).status, 200)
    await look('access-keys-report')

    const k3 = await api(server, 'POST', `/v3/applications/${billing}/access-keys`, { name: 'k3' })
    await page.goto(server.url + '/console/access-keys')
    // Only billing's keys: the admin key stays.
    await page.getByLabel('Application').selectOption({ label: 'billing' })
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('checkbox', { name: 'Select every key shown' }).check()
    await page.getByRole('button', { name: 'Delete selected keys' }).click()
    await page.getByRole('heading', { name: 'Bulk delete' }).waitFor()
    assert.equal((await api(server, 'GET', '/v3/me')).status, 200, 'the admin key was not selected')
    for (const id of [made[0], k3.body.id]) {
      assert.equal((await api(server, 'GET', `/v3/applications/${billing}/access-keys/${id}`)).status, 404)
    }
    await page.getByLabel('Status').selectOption('revoked')
    await page.getByRole('button', { name: 'Filter' }).click()
    await look('access-keys')
  })

  test('JWT keys: a pasted PEM, and a pair made in the browser', async () => {
    const { publicKey } = generateKeyPairSync('ed25519')
    const pem = publicKey.export({ type: 'spki', format: 'pem' })
    await page.goto(`${server.url}/console/applications/${billing}`)
    await page.getByRole('link', { name: 'Register JWT key' }).click()
    await heading(page, 'Register a JWT key').waitFor()
    await page.getByLabel('Name').fill('signer')
    await page.getByLabel('Public key').fill('not a key')
    await page.getByRole('button', { name: 'Register JWT key' }).click()
    await page.locator('#public_key-error').waitFor()
    await look('jwt-key-new')
    await page.getByLabel('Public key').fill(pem)
    await page.getByRole('button', { name: 'Register JWT key' }).click()
    await page.getByRole('heading', { name: 'Public key (JWK)' }).waitFor()
    await look('jwt-key')

    await page.goto(`${server.url}/console/applications/${billing}/jwt-keys/new`)
    await page.getByLabel('Name').fill('browser-made')
    await page.getByLabel('Algorithm').selectOption('ES256')
    await page.getByRole('button', { name: 'Generate a key pair in this browser' }).click()
    const download = page.getByRole('link', { name: 'Download the private key' })
    await download.waitFor()
    const jwk = JSON.parse(await page.getByLabel('Public key').inputValue())
    assert.equal(jwk.kty, 'EC')
    assert.equal(jwk.d, undefined, 'the private part stays in the browser')
    let sentPrivate = false
    page.on('request', (request) => { if ((request.postData() ?? '').includes('PRIVATE')) sentPrivate = true })
    await page.getByRole('button', { name: 'Register JWT key' }).click()
    await page.getByRole('heading', { name: 'Public key (JWK)' }).waitFor()
    assert.equal(sentPrivate, false)
    const keys = await api(server, 'GET', `/v3/applications/${billing}/jwt-keys`)
    assert.deepEqual(keys.body.data.map((k) => k.algorithm).sort(), ['ES256', 'EdDSA'])
  })

  let viewers, ann, annPage, annContext

  test('policy groups: a new group, its permissions, its members', async () => {
    await page.goto(server.url + '/console/groups')
    await heading(page, 'Policy groups').waitFor()
    await page.getByRole('link', { name: 'New policy group' }).click()
    await page.getByLabel('Name').fill('viewers')
    await page.getByRole('checkbox', { name: 'applications:view:any' }).check()
    await page.getByRole('checkbox', { name: 'keys:view:any' }).check()
    await look('group-new')
    await page.getByRole('button', { name: 'Create policy group' }).click()
    await heading(page, 'viewers').waitFor()
    viewers = page.url().match(/groups\/(grp_\w+)/)[1]
    await page.getByLabel('Add application').selectOption({ label: 'billing' })
    await page.getByRole('button', { name: 'Add application' }).click()
    await page.getByRole('button', { name: 'Remove billing' }).waitFor()
    const members = await api(server, 'GET', `/v3/policy-groups/${viewers}/applications`)
    assert.deepEqual(members.body.data.map((a) => a.name), ['billing'])
    await page.getByRole('button', { name: 'Remove billing' }).click()
    await page.getByRole('status').getByText('Members changed.').waitFor()
    assert.equal((await api(server, 'GET', `/v3/policy-groups/${viewers}/applications`)).body.data.length, 0)
    await look('group')
    await page.goto(server.url + '/console/groups')
    await look('groups')
  })

  test('users: an invitation is a user and a password link that works once', async () => {
    await page.goto(server.url + '/console/users')
    await heading(page, 'Users').waitFor()
    await page.getByRole('link', { name: 'Invite user' }).click()
    await page.getByLabel('Email').fill('ann@example.com')
    await page.getByRole('checkbox', { name: 'viewers' }).check()
    await look('user-new')
    await page.getByRole('button', { name: 'Invite user' }).click()
    const link = await page.getByRole('textbox', { name: 'Password link' }).inputValue()
    assert.match(link, /\/console\/password\?token=/)
    await look('user')
    ann = page.url().match(/users\/(usr_\w+)/)?.[1]
    const listed = await api(server, 'GET', '/v3/users')
    ann = listed.body.data.find((u) => u.email === 'ann@example.com').id
    await page.goto(server.url + '/console/users')
    await look('users')

    annContext = await browser.newContext()
    annPage = await annContext.newPage()
    annPage.setDefaultTimeout(10_000)
    await annPage.goto(link)
    await annPage.getByLabel('New password').fill('ann has a long password')
    await annPage.getByLabel('The same password again').fill('ann has a long password')
    await annPage.getByRole('button', { name: 'Set password and sign in' }).click()
    await heading(annPage, 'Applications').waitFor()
    await annPage.getByRole('link', { name: 'billing' }).waitFor()
  })

  test('without keys:create there is no New access key button, and posting the form anyway is refused', async () => {
    await annPage.goto(`${server.url}/console/applications/${billing}`)
    await heading(annPage, 'billing').waitFor()
    assert.equal(await annPage.getByRole('link', { name: 'New access key' }).count(), 0)
    assert.equal(await annPage.getByRole('link', { name: 'Register JWT key' }).count(), 0)
    assert.equal(await annPage.getByRole('button', { name: 'Revoke application' }).count(), 0)
    const csrf = await annPage.locator('input[name=csrf]').first().inputValue()
    const before = (await api(server, 'GET', `/v3/applications/${billing}/access-keys`)).body.data.length
    const refused = await annPage.request.post(`${server.url}/console/applications/${billing}/access-keys`, {
      form: { csrf, name: 'sneaky' }, maxRedirects: 0
    })
    assert.equal(refused.status(), 403)
    const after = (await api(server, 'GET', `/v3/applications/${billing}/access-keys`)).body.data.length
    assert.equal(after, before, 'nothing was created')
  })

  test('a form without its CSRF token is refused and changes nothing', async () => {
    const refused = await page.request.post(`${server.url}/console/applications`, {
      form: { name: 'forged' }, maxRedirects: 0
    })
    assert.equal(refused.status(), 403)
    const wrong = await page.request.post(`${server.url}/console/applications`, {
      form: { name: 'forged', csrf: 'x'.repeat(43) }, maxRedirects: 0
    })
    assert.equal(wrong.status(), 403)
    const apps = await api(server, 'GET', '/v3/applications')
    assert.ok(!apps.body.data.some((a) => a.name === 'forged'))
  })

  test("a deleted user's open session stops at once", async () => {
    await annPage.goto(server.url + '/console/applications')
    await heading(annPage, 'Applications').waitFor()
    await page.goto(`${server.url}/console/users/${ann}`)
    await page.getByRole('button', { name: 'Delete user' }).click()
    await page.getByRole('status').getByText('Deleted.').waitFor()
    await annPage.goto(server.url + '/console/applications')
    await heading(annPage, 'Sign in to Latchkey').waitFor()
    await annPage.getByText('Your session has ended. Sign in again.').waitFor()
    await annContext.close()
  })

  test('the account shows its plan and usage; applications revoked leave the list', async () => {
    await page.goto(server.url + '/console/account')
    await heading(page, 'Account').waitFor()
    await page.getByRole('cell', { name: 'Active applications' }).waitFor()
    await look('account')

    await page.goto(`${server.url}/console/applications/${billing}`)
    await page.getByRole('button', { name: 'Revoke application' }).click()
    await page.getByRole('status').getByText('Revoked.').waitFor()
    await page.goto(server.url + '/console/applications')
    assert.equal(await page.getByRole('link', { name: 'billing' }).count(), 0)
    await look('applications')
    await page.getByRole('link', { name: 'Revoked' }).click()
    await page.getByRole('link', { name: 'billing' }).waitFor()
    await look('applications-revoked')
    await page.goto(server.url + '/console/no-such-page')
    await heading(page, 'Not found').waitFor()
    await look('not-found')
  })

  test('the audit log lists the changes made here, and filters them by action', async () => {
    await page.goto(server.url + '/console/applications')
    await page.getByRole('link', { name: 'Audit log' }).click()
    await heading(page, 'Audit log').waitFor()
    await page.getByRole('cell', { name: 'application.revoke' }).first().waitFor()
    await page.getByRole('cell', { name: 'user.password_set' }).first().waitFor()
    await look('audit')
    await page.getByLabel('Action').selectOption('console.sign_in')
    await page.getByRole('button', { name: 'Filter' }).click()
    await page.getByRole('cell', { name: 'console.sign_in' }).first().waitFor()
    assert.equal(await page.getByRole('cell', { name: 'application.revoke' }).count(), 0)
    await look('audit-filtered')
  })

  test('changing one\'s password keeps this session', async () => {
    await page.goto(server.url + '/console/applications')
    await page.getByRole('link', { name: 'Change password' }).click()
    await heading(page, 'Change your password').waitFor()
    await page.getByLabel('Current password').fill('not my password at all')
    await page.getByLabel('New password', { exact: true }).fill('a brand new long password')
    await page.getByLabel('The same new password again').fill('a brand new long password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.locator('#current-error').waitFor()
    await look('password-change')
    await page.getByLabel('Current password').fill(PASSWORD)
    await page.getByLabel('New password', { exact: true }).fill('a brand new long password')
    await page.getByLabel('The same new password again').fill('a brand new long password')
    await page.getByRole('button', { name: 'Change password' }).click()
    await page.getByRole('status').getByText('Your password is changed').waitFor()
    await page.goto(server.url + '/console/applications')
    await heading(page, 'Applications').waitFor()
  })
})
