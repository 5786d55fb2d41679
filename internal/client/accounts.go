package client

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// ListAccounts returns every account matching filter (empty filter: all), following nextLink.
func (c *Client) ListAccounts(ctx context.Context, filter Filter) ([]Account, error) {
	return listAll[Account](ctx, c, accountsPath, filter)
}

// ListAccountsWithRole returns the accounts matching filter (empty: all) whose role is named role,
// or every account matching filter when role is "", which names no role. The accounts list has no
// role filter (API.md, "Accounts: list"), so the accounts are selected here, from the listing. Role
// names compare letter case included, as an account names its role (API.md, "Decision: role names
// in references"), and regardless of Unicode normal form, as the role is found (SameSpelling).
func (c *Client) ListAccountsWithRole(ctx context.Context, filter Filter, role string) ([]Account, error) {
	accounts, err := c.ListAccounts(ctx, filter)
	if err != nil || role == "" {
		return accounts, err
	}
	return slices.DeleteFunc(accounts, func(a Account) bool { return !SameSpelling(a.Role, role) }), nil
}

// GetAccount returns one account with its ETag, or an error for which IsNotFound is true; an answer
// that is not the account is an *AnswerError. email is the account's email when the caller knows
// it, "" otherwise. An invitation gets a new id when it is accepted (API.md, "Accounts: lifecycle"):
// should the API answer the temporary id with the account under its new id, that account is
// returned, with its new id, when it is no longer invited and has the email (regardless of case).
// An invitation, or an account with another email, under another id is not the account asked for.
func (c *Client) GetAccount(ctx context.Context, id, email string) (*Account, error) {
	var account Account
	etag, err := c.getObject(ctx, accountsPath, id, &account, func() bool {
		return account.Status != StatusInvited && (email == "" || SameName(account.Email, email))
	})
	if err != nil {
		return nil, err
	}
	account.Version = versionOf(etag, account.fingerprint)
	return &account, nil
}

// accountFilterMax is the longest TMV1-Filter the accounts list accepts (API.md, "Filters"), which
// an email of the longest length the API allows goes over once inside `email eq '...'`.
const accountFilterMax = 256

// FindAccountByEmail returns the account with this email (compared case-insensitively), or an
// error for which IsNotFound is true. It comes from the list, without an ETag. It filters by email
// and reads the whole list when the filtered answer has no match (whether the API's eq ignores
// case is not documented), or at once when the email has a quote or the filter would be longer than
// the API accepts (findFiltered).
func (c *Client) FindAccountByEmail(ctx context.Context, email string) (*Account, error) {
	account, err := findFiltered(ctx, c.ListAccounts, "email", email, accountFilterMax, true, func(a Account) string { return a.Email })
	if err != nil {
		return nil, err
	}
	if account == nil {
		return nil, notFound(accountsPath, fmt.Sprintf("no account has the email %q", email))
	}
	return account, nil
}

// InviteAccount sends an invitation and returns the new account as the invitation and its answer
// describe it, without reading it back: the id from the answer (temporary until the invitation is
// accepted), the email, role, auth type and description as sent, and status invited, as every new
// account is (API.md, "Accounts: invite"). The invitation does not set Name or CreatedDateTime,
// which are empty, and the answer carries no ETag, so Version is empty too.
//
// After an ambiguous failure, and after a success answer without the new account's id, it looks
// the account up by email. An account's creation time is not to be relied on (API.md, "Accounts:
// object"), so the account found is adopted, as the listing describes it, only when it is what this
// invitation makes: invited, with the role, auth type and description sent. Any other account with
// that email was there before (an email is unique in a tenant), and gives an error for which
// IsAlreadyExists is true.
func (c *Client) InviteAccount(ctx context.Context, in AccountInvite) (*Account, error) {
	stale := writing(c.caches.accounts)
	defer stale()
	ctx, done, err := c.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	var account *Account
	recoverFn := func(ctx context.Context, _ time.Time) (bool, error) {
		existing, err := c.FindAccountByEmail(ctx, in.Email)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if !invitedAs(existing, in) {
			return false, alreadyExists(accountsPath, fmt.Sprintf("an account with the email %q (id %s, status %s, role %q)",
				existing.Email, existing.ID, existing.Status, existing.Role), "and is not the invitation this request sent")
		}
		account = existing
		return true, nil
	}
	send := func(ctx context.Context) error {
		resp, err := c.do(ctx, request{method: http.MethodPost, path: accountsPath, body: in, policy: retryUnprocessed})
		if err != nil {
			return err
		}
		id := createdID(resp)
		if id == "" {
			return c.resolveMissingID(ctx, accountsPath, resp, "account", func(ctx context.Context) (bool, error) {
				return recoverFn(ctx, time.Time{})
			})
		}
		account = &Account{ID: id, Email: in.Email, AuthType: in.AuthType, Role: in.Role, Status: StatusInvited,
			Description: in.Description}
		return nil
	}
	if err := c.createSafely(ctx, accountsPath, send, recoverFn); err != nil {
		return nil, err
	}
	return account, nil
}

// invitedAs reports whether an account is the pending invitation that in would make. Role names
// are unique regardless of case, so the API may spell the role its own way.
func invitedAs(a *Account, in AccountInvite) bool {
	return a.Status == StatusInvited && SameName(a.Role, in.Role) && a.AuthType == in.AuthType &&
		a.Description == in.Description
}

// UpdateAccount patches an account with If-Match (see UpdateRole).
func (c *Client) UpdateAccount(ctx context.Context, id, version string, patch AccountPatch) error {
	stale := writing(c.caches.accounts)
	defer stale()
	get := func(ctx context.Context, id string) (*Account, error) { return c.GetAccount(ctx, id, "") }
	return updateObject(ctx, c, accountsPath, id, version, patch, get, accountPatchApplied)
}

func accountPatchApplied(a *Account, p AccountPatch) bool {
	return (p.Role == nil || SameSpelling(*p.Role, a.Role)) &&
		(p.Status == nil || *p.Status == a.Status) &&
		(p.Description == nil || *p.Description == a.Description)
}

// DeleteAccount deletes a user, SAML group or invitation.
func (c *Client) DeleteAccount(ctx context.Context, id string) error {
	stale := writing(c.caches.accounts)
	defer stale()
	return c.deleteObject(ctx, objectPath(accountsPath, id))
}
