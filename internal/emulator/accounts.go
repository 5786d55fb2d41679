package emulator

import (
	"net/http"
	"strings"
)

// Account limits and filter (API.md, "Accounts: object"; API.md, "Accounts: list"); the filter
// takes no parentheses (API.md, "Decision: filter operators").
const (
	accountFieldMax  = 256
	accountFilterMax = 256
)

var accountList = listSpec{
	filterFields: map[string]bool{"id": true, "email": true, "authType": true, "status": true},
	filterMax:    accountFilterMax,
	ungrouped:    true,
}

func accountLookup(a *account) func(string) (string, bool) {
	return func(field string) (string, bool) {
		switch field {
		case "id":
			return a.ID, false
		case "email":
			return a.Email, true
		case "authType":
			return a.AuthType, false
		case "status":
			return a.Status, false
		}
		return "", false
	}
}

func (s *Server) listAccounts(c *call) *httpError {
	lq, e := accountList.parse(c.r, !s.opts.NextPagesDefaultTop)
	if e != nil {
		return e
	}
	writeJSON(c.w, http.StatusOK, paginate(c.r, lq, s.st.accountsOrdered(), accountLookup, s.st.accountView))
	return nil
}

func (s *Server) findAccount(c *call) (*account, *httpError) {
	id := c.r.PathValue("id")
	a, ok := s.st.accounts[id]
	if !ok {
		return nil, notFound(kindAccount, id)
	}
	return a, nil
}

func (s *Server) getAccount(c *call) *httpError {
	a, e := s.findAccount(c)
	if e != nil {
		return e
	}
	s.setETag(c.w, a.ID, a.Version)
	writeJSON(c.w, http.StatusOK, s.st.accountView(a))
	return nil
}

type accountInviteBody struct {
	Email       *string `json:"email"`
	Role        *string `json:"role"`
	AuthType    *string `json:"authType"`
	Description *string `json:"description"`
}

var accountInviteFields = bodyFields{
	writable: []string{"email", "role", "authType", "description"},
	readOnly: []string{"id", "name", "status", "createdDateTime"},
}

// inviteAccount sends an invitation: the account starts as invited with a temporary id
// (API.md, "Accounts: invite"; API.md, "Decision: invitation answer").
func (s *Server) inviteAccount(c *call) *httpError {
	if !s.isMaster(c.who) {
		return errMasterAdministratorOnly(ruleAccounts)
	}
	var in accountInviteBody
	if _, e := decodeObject(c.body, accountInviteFields, &in); e != nil {
		return e
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"email", in.Email}, {"role", in.Role}, {"authType", in.AuthType}} {
		if e := checkRequired(f.name, f.v); e != nil {
			return e
		}
		if e := checkLength(f.name, *f.v, accountFieldMax); e != nil {
			return e
		}
	}
	description := ""
	if in.Description != nil {
		description = *in.Description
		if e := checkLength("description", description, accountFieldMax); e != nil {
			return e
		}
	}
	if e := checkEnum("authType", *in.AuthType, authLocal, authSAML, authSAMLGroup); e != nil {
		return e
	}
	email := *in.Email // stored as sent, so that what the caller reads back is what it wrote
	if e := checkEmail(email, *in.AuthType); e != nil {
		return e
	}
	if id, dup := s.st.accountByEmail[fold(email)]; dup {
		return badRequest("email", innerDuplicate,
			"An account with the email %q already exists (id %s); import it instead of inviting it again.", s.st.accounts[id].Email, id)
	}
	r, e := s.assignableToAccount(*in.Role)
	if e != nil {
		return e
	}
	if e := s.tenantLimits.check("user accounts", len(s.st.accounts), s.tenantLimits.Accounts); e != nil {
		return e
	}
	a := &account{
		ID:          newID(),
		Email:       email,
		Name:        accountName(email),
		AuthType:    *in.AuthType,
		RoleID:      r.ID,
		Status:      statusInvited,
		Description: description,
		Created:     c.now,
	}
	s.st.putAccount(a)
	s.saveStateLocked()
	c.w.Header().Set("Location", baseURL(c.r)+"/v3.0/iam/accounts/"+a.ID)
	s.setETag(c.w, a.ID, a.Version)
	if s.opts.InviteOmitBody {
		c.w.WriteHeader(http.StatusCreated)
		return nil
	}
	writeJSON(c.w, http.StatusCreated, map[string]string{"id": a.ID})
	return nil
}

// checkEmail wants an address for users; a SAML group may also be named by its directory object
// id (API.md, "Accounts: object"), so any non-blank value passes for samlGroup.
func checkEmail(email, authType string) *httpError {
	if authType == authSAMLGroup {
		return nil
	}
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" || domain == "" || strings.ContainsAny(email, " \t\r\n") || strings.Contains(domain, "@") {
		return invalidParam("email", "The email %q is not a valid email address.", email)
	}
	return nil
}

// accountName is the display name the emulator derives: the email's local part.
func accountName(email string) string {
	local, _, _ := strings.Cut(email, "@")
	return local
}

func (s *Server) assignableToAccount(name string) (*role, *httpError) {
	r, e := s.st.roleByExactName("role", name)
	if e != nil {
		return nil, e
	}
	if !r.AllowUserAccountAssignment {
		return nil, badRequest("role", innerNotAssignable,
			"The role %q cannot be assigned to user accounts (allowUserAccountAssignment is false).", r.Name)
	}
	return r, nil
}

type accountPatchBody struct {
	Role        *string `json:"role"`
	Status      *string `json:"status"`
	Description *string `json:"description"`
}

var accountPatchFields = bodyFields{
	writable: []string{"role", "status", "description"},
	readOnly: []string{"id", "email", "authType", "name", "createdDateTime"},
}

func (s *Server) patchAccount(c *call) *httpError {
	if !s.isMaster(c.who) {
		return errMasterAdministratorOnly(ruleAccounts)
	}
	var in accountPatchBody
	if _, e := decodeObject(c.body, accountPatchFields, &in); e != nil {
		return e
	}
	a, e := s.findAccount(c)
	if e != nil {
		return e
	}
	if e := checkIfMatch(c.r, etag(a.ID, a.Version), s.opts.StrictIfMatch); e != nil {
		return e
	}
	if !s.opts.AllowInvitedUpdates {
		switch {
		case a.Status == statusInvited:
			return badRequest("", innerInvitedNotUpdated,
				"The account %q is an invitation that has not been accepted yet; invited users cannot be updated.", a.Email)
		case a.AuthType == authSAMLGroup:
			return badRequest("", innerInvitedNotUpdated, "The account %q is a SAML group; SAML groups cannot be updated.", a.Email)
		}
	}
	next := *a
	if in.Status != nil {
		if e := checkEnum("status", *in.Status, statusEnabled, statusDisabled); e != nil {
			return e
		}
		next.Status = *in.Status
	}
	if in.Description != nil {
		if e := checkLength("description", *in.Description, accountFieldMax); e != nil {
			return e
		}
		next.Description = *in.Description
	}
	if in.Role != nil {
		if e := checkLength("role", *in.Role, accountFieldMax); e != nil {
			return e
		}
		r, e := s.assignableToAccount(*in.Role)
		if e != nil {
			return e
		}
		next.RoleID = r.ID
	}
	next.Version = s.st.nextVersion()
	s.st.putAccount(&next)
	s.saveStateLocked()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) deleteAccount(c *call) *httpError {
	if !s.isMaster(c.who) {
		return errMasterAdministratorOnly(ruleAccounts)
	}
	a, e := s.findAccount(c)
	if e != nil {
		return e
	}
	if e := checkIfMatch(c.r, etag(a.ID, a.Version), false); e != nil {
		return e
	}
	s.st.deleteAccount(a)
	s.saveStateLocked()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}
