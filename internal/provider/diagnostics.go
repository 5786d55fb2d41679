package provider

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
)

// addAPIError reports a failed API call as an error diagnostic: what was being done, what the API
// said (status, Vision One code, message, trace id) or why no answer came, and what to do next.
func addAPIError(diags *diag.Diagnostics, summary, doing string, err error) {
	addAPIErrorWith(diags, summary, doing, err, errorAdvice(err))
}

// addAPIErrorWith is addAPIError with advice that the caller knows better than errorAdvice does,
// from what the state says of the object.
func addAPIErrorWith(diags *diag.Diagnostics, summary, doing string, err error, advice string) {
	diags.AddError(summary, doing+": "+withAdvice(err, advice))
}

// errorWithAdvice is err's text followed by what to do about it, when errorAdvice knows.
func errorWithAdvice(err error) string { return withAdvice(err, errorAdvice(err)) }

// withAdvice is err's text followed by advice, if any.
func withAdvice(err error, advice string) string {
	if advice != "" {
		return err.Error() + "\n\n" + advice
	}
	return err.Error()
}

// errorAdvice tells the user what to do about a failed call, from the typed errors of the client.
func errorAdvice(err error) string {
	var unknown *client.UnknownOutcomeError
	if errors.As(err, &unknown) {
		return unknownOutcomeAdvice(unknown)
	}
	var unusable *client.AnswerError
	if errors.As(err, &unusable) {
		return unusableAnswerAdvice(unusable)
	}
	var reqErr *client.RequestError
	isRequestErr := errors.As(err, &reqErr)
	answer := lastAnswer(err)
	switch {
	case answer != nil && isRequestErr && reqErr.LastFailure != nil:
		// The wait before a retry was cut short: what the answer's advice assumes (every wait
		// honoured, every retry made) did not happen.
		if reqErr.Kind() == client.FailureTimeout {
			return deadlineAdvice(answer)
		}
		return ""
	case answer != nil:
		return answerAdvice(answer)
	case isRequestErr:
		if reqErr.StoppedInFlight() && client.CreatesAPIKeys(err) {
			return stoppedKeyCreateAdvice
		}
		if reqErr.StoppedInFlight() && reqErr.Method != http.MethodGet {
			return stoppedWriteAdvice
		}
		return requestAdvice(reqErr)
	}
	return ""
}

// timedOut reports whether err is a request that got no answer in time: within request_timeout,
// or before the deadline of the operation.
func timedOut(err error) bool {
	var reqErr *client.RequestError
	return errors.As(err, &reqErr) && reqErr.Kind() == client.FailureTimeout
}

// attemptTimedOut reports whether the last attempt of the request outlasted request_timeout, rather
// than being cut short by the deadline of the operation, which request_timeout does not lengthen.
func attemptTimedOut(e *client.RequestError) bool { return attemptTimeout(e) > 0 }

// attemptTimeout is the request_timeout that the last attempt of the request outlasted; zero when
// none did.
func attemptTimeout(e *client.RequestError) time.Duration {
	var last *client.RequestError
	if e.Timeout == 0 && errors.As(e.LastFailure, &last) {
		return last.Timeout
	}
	return e.Timeout
}

// deadlineAdvice is the advice on a 429 or 5xx whose retry the operation's deadline did not leave
// time for.
func deadlineAdvice(e *client.APIError) string {
	if e.StatusCode == http.StatusTooManyRequests {
		return "The API rate-limited the request, and the provider would have to wait longer before the next attempt than " +
			"the operation's deadline leaves (until the tenant's next rate-limit window, which the answer's Retry-After " +
			"gives or the provider estimates), so it stopped instead of waiting: other tools that call the " +
			"tenant count against the same limit. Run the command again once the limit has passed, or set " +
			"requests_per_minute in the provider configuration to leave room for those tools."
	}
	return "Vision One had a problem answering, and the operation's deadline ended before the provider could ask " +
		"again: run the command again later. If it persists, give the trace id to Trend Micro support."
}

// lastAnswer is the error answer of the API behind err: the answer itself, or the last answer
// before the client stopped waiting to retry it. Nil when no answer came.
func lastAnswer(err error) *client.APIError {
	var answer *client.APIError
	if errors.As(err, &answer) {
		return answer
	}
	var reqErr *client.RequestError
	if errors.As(err, &reqErr) && errors.As(reqErr.LastFailure, &answer) {
		return answer
	}
	return nil
}

// unusableAnswerAdvice is the advice on a success answer the provider could not use. Asking again
// may help (an answer cut or mangled on its way); when it does not, something between the provider
// and Vision One rewrites its answers (a proxy or gateway answering 200 with a body of its own), or
// Vision One has changed the form of its answers, which only the provider's maintainers can follow.
func unusableAnswerAdvice(e *client.AnswerError) string {
	const persists = " If it persists, check that any proxy or gateway between the provider and Vision One passes " +
		"its answers on unchanged; otherwise Vision One's answers have changed: report this message to the provider's " +
		"maintainers, and give the trace id to Trend Micro support."
	switch {
	case e.Undone:
		return "The API keys this create may have made were deleted, since their secrets did not reach the provider: " +
			"nothing is left behind, and applying again creates them afresh." + persists
	case e.MayExist:
		return mayExistAdviceOn(e) + persists
	}
	return "Run the command again." + persists
}

// mayExistAdvice is the advice on a create that Vision One may have carried out although its
// answer did not say so, nor a lookup find the object.
const mayExistAdvice = "Vision One may have made the object all the same: look for it in the console before applying " +
	"again, and delete it or import it."

// mayExistKeyAdvice is mayExistAdvice for a create of API keys: a key made without the answer to its
// create reaching the provider has a secret that nobody holds, which an import cannot bring.
const mayExistKeyAdvice = "Vision One may have made the API key all the same, with a secret that nobody holds: only the " +
	"answer to its create carries it. Look for the key in the console (Administration > API Keys) before applying again " +
	"and, if it is there, delete it, since an import cannot recover its value."

// mayExistAdviceOn is the advice on the object that the failed create err may have made.
func mayExistAdviceOn(err error) string {
	if client.CreatesAPIKeys(err) {
		return mayExistKeyAdvice
	}
	return mayExistAdvice
}

// unknownOutcomeAdvice is the advice on a create whose outcome is unknown: what to do about the object
// it may have made, which comes before anything is run again, then the advice on its failure (a
// timeout, server errors) without its own "run the command again", unless that advice says it
// already (an answer that could not be used, Vision One giving up on the create). A lookup that the
// key's role lacks the permission for says so, since adding it lets the provider check next time.
func unknownOutcomeAdvice(e *client.UnknownOutcomeError) string {
	advice, mayExist := errorAdvice(e.Err), mayExistAdviceOn(e)
	if !strings.Contains(advice, mayExist) {
		advice = strings.TrimSpace(mayExist + " " + strings.Replace(advice, runAgainIfPersists, "If it persists", 1))
	}
	return strings.Replace(advice, mayExist, mayExist+lookupRefusedAdvice(e.LookupErr), 1)
}

// lookupRefusedAdvice says, when the lookup after a create whose outcome is unknown was refused for a
// permission that the key's role lacks, that the provider could not check for that reason; "" else.
func lookupRefusedAdvice(err error) string {
	var answer *client.APIError
	if !errors.As(err, &answer) || answer.StatusCode != http.StatusForbidden || answer.PermissionShown ||
		answer.RequiredPermission() == "" {
		return ""
	}
	return fmt.Sprintf(" The provider could not check whether it did, since the role of its API key lacks the permission %q that "+
		"the lookup needs: add it to the key's role under Administration > User Roles.", answer.RequiredPermission())
}

// roleReadBackAdvice is the advice on a role just created and recorded in the state, whose read-back
// failed. described says that the state holds the role as the create's answer described it, and
// keeps it (the failure is a warning), so the advice says that the next refresh reads it again. A
// 404 there is no role deleted outside Terraform: Vision One may not show a new role at once
// (API.md, "Decision: role write answers").
func roleReadBackAdvice(err error, described bool) string {
	switch {
	case client.IsNotFound(err):
		return "Vision One may not show a new role at once: the next refresh reads it again."
	case described:
		return strings.TrimSpace("The next refresh reads it again. " + errorAdvice(err))
	}
	return errorAdvice(err)
}

// keyRefusedAdvice is the advice on a 401: every cause Vision One does not tell apart.
const keyRefusedAdvice = "Vision One refused the provider's API key. The key may be wrong (mistyped, or cut short when " +
	"it was copied), expired, disabled or deleted, or it belongs to a tenant in another region than the API host the " +
	"provider calls: a key works only against its own region's host. Check the key's status and expiry date under " +
	"Administration > API Keys, and that `region` (or `endpoint`) matches the tenant. An expired key cannot be renewed: " +
	"create a new one and " + setKeyAdvice + "."

// setKeyAdvice says where a new key goes; both 401 advices end with it.
const setKeyAdvice = "set it in the " + envAPIKey + " environment variable (or `api_key`)"

// keyRefusedSinceAdvice is the advice on a 401 after Vision One accepted the same key earlier in the
// run: not a wrong key or region, but a key disabled, deleted or expired meanwhile.
const keyRefusedSinceAdvice = "Vision One accepted the provider's API key earlier in this run, and now refuses it: the " +
	"key was disabled, deleted or expired since (an apply that disables, deletes or replaces API keys may have done " +
	"so to the provider's own key). Check the key's status and expiry date under Administration > API Keys: enable it " +
	"again, or create a new one and " + setKeyAdvice + ", then run terraform plan to see what the apply left undone."

// conflictAdvice is the advice on a 409, which Vision One's documentation does not list for these
// endpoints (a duplicate name is a 400 there): its message says what conflicted.
const conflictAdvice = "Vision One refused the request as conflicting with the current state of the tenant; its " +
	"message says with what. Run terraform plan to see the current state, then apply again. If it persists, give " +
	"the trace id to Trend Micro support."

// roleInUseAdvice is the advice on a refused delete of a role that accounts or API keys still have,
// which may be managed by this configuration, by another one, or in the console.
const roleInUseAdvice = "A role that accounts or API keys still have cannot be deleted: give them another role (or " +
	"delete them) first, where they are managed (in this configuration, in another Terraform configuration, or in the " +
	"console), then run the command again."

// tenantLimitAdvice is the advice on a create refused because the tenant already holds as many
// objects of the kind as it may, which no value of the configuration changes.
func tenantLimitAdvice(objects string) string {
	return fmt.Sprintf("The tenant's cap on %s is reached, so Vision One creates no more of them: delete unused %s "+
		"in the Vision One console (or remove them from a Terraform configuration), or ask Trend Micro support to raise "+
		"the cap, then apply again.", objects, objects)
}

// masterAdministratorKeys says which keys may do what only a Master Administrator may.
const masterAdministratorKeys = "Since October 27, 2025 no API key can be given the Master Administrator role; keys " +
	"that had it before keep it."

func answerAdvice(e *client.APIError) string {
	switch code := e.StatusCode; {
	case client.IsRoleInUse(e):
		return roleInUseAdvice
	case client.TenantLimit(e) != "":
		return tenantLimitAdvice(client.TenantLimit(e))
	case client.IsNotOffered(e) || code == http.StatusNotFound && e.Creates():
		// A create names no object that could be gone, whether or not the client marked its 404.
		return notOfferedAdviceOn(e)
	case code == http.StatusBadRequest:
		return badRequestAdvice(e)
	case code == http.StatusUnauthorized && e.KeyAcceptedBefore:
		return keyRefusedSinceAdvice
	case code == http.StatusUnauthorized:
		return keyRefusedAdvice
	case code == http.StatusForbidden:
		return forbiddenAdvice(e)
	case code == http.StatusNotFound:
		return "The object does not exist (any more): it may have been deleted outside Terraform. Check the id, " +
			"or run terraform plan again to see the current state."
	case code == http.StatusPreconditionFailed:
		return "Someone changed the object after Terraform read it: run terraform plan again to see the current " +
			"state, then apply."
	case code == http.StatusConflict:
		return conflictAdvice
	case code == http.StatusRequestEntityTooLarge:
		return "The request body exceeds the API's 1 MB limit: shorten the descriptions or lists in this object."
	case code == http.StatusTooManyRequests:
		return rateLimitAdvice(e)
	case code >= 500:
		return "Vision One had a problem answering" + askedAgain(e) + ": try again later. If it persists, give the " +
			"trace id to Trend Micro support."
	}
	return ""
}

// rateLimitAdvice is the advice on a 429 (not a tenant's cap on objects) that reached the caller: an
// item of a batch delete that Vision One accepted, which is never sent again on its own; a request
// (or an item of a batch create, which is sent again as a request is retried) sent once, which only
// max_retries = 0 leaves unretried (a 429 is retried otherwise, beyond max_retries for a while); or
// one whose retries ran out.
func rateLimitAdvice(e *client.APIError) string {
	const otherTools = "other tools that call the tenant count against the same limit"
	switch {
	case e.Item != "" && !client.CreatesAPIKeys(e):
		return "Vision One accepted the request but rate-limited this item, which the provider does not send again " +
			"on its own: " + otherTools + ". Try again later (the next apply does only what is left), or set " +
			"requests_per_minute in the provider configuration to leave room for those tools."
	case e.Attempts <= 1:
		return "The API rate-limited the request, and max_retries = 0 turns off retrying, 429s included: " + otherTools +
			". Set max_retries above 0, set requests_per_minute in the provider configuration to leave room for " +
			"those tools, or try again later."
	}
	return "The API rate-limited the requests for longer than the provider kept retrying, although every " +
		"request waited as long as the API asked: " + otherTools + ". Raise max_retries, set requests_per_minute in " +
		"the provider configuration to leave room for those tools, or try again later."
}

// askedAgain says that the provider asked again, when the error counts more than one attempt: a
// retry, or a create sent again after its object was looked up and not found.
func askedAgain(e *client.APIError) string {
	if e.Attempts > 1 {
		return ", also when the provider asked again"
	}
	return ""
}

// notOfferedAdvice is the advice on a call that Vision One does not offer (client.IsNotOffered: a
// 501, a 400 NotSupported, or a 404 of a route the tenant does not serve).
const notOfferedAdvice = "This Vision One region or tenant, or this object, does not offer this call, which no value " +
	"of the configuration changes: check the region, or manage the object in the console."

// rolesNotOffered begins the advice on a call of the role endpoints that Vision One does not offer:
// the role writes, the read of one role and the permission catalog are recent additions of the API
// (API.md, "Decision: older role endpoints").
const rolesNotOffered = "This Vision One region or tenant does not offer this call for user roles, which no value of " +
	"the configuration changes: creating, changing and deleting roles through the API (and reading the permission " +
	"catalog) are recent additions that not every region or tenant has yet."

// roleCreateNotOfferedAdvice is the advice on a role create that Vision One does not offer: nothing
// was made.
const roleCreateNotOfferedAdvice = rolesNotOffered + " Nothing was created: create the role in the console " +
	"(Administration > User Roles), and read it with the visionone_user_role data source."

// roleNotOfferedAdvice is the advice on the change of a role that Vision One does not
// offer: the role is there, and stays as it is.
const roleNotOfferedAdvice = rolesNotOffered + " The role is unchanged: manage it in the console (Administration > " +
	"User Roles), and read it with the visionone_user_role data source. To stop managing it with Terraform without " +
	"deleting it, replace its resource with a `removed` block (lifecycle { destroy = false })."

// roleDeleteNotOfferedAdvice is the advice on the delete of a role that Vision One does not offer:
// the role is there, and stays.
const roleDeleteNotOfferedAdvice = rolesNotOffered + " The role is not deleted: delete it in the console " +
	"(Administration > User Roles), then run the command again, which finds it gone. To keep the role but stop " +
	"managing it with Terraform, replace its resource with a `removed` block (lifecycle { destroy = false })."

// catalogNotOfferedAdvice is the advice on a read of the role endpoints that Vision One does not
// offer: the permission catalog.
const catalogNotOfferedAdvice = rolesNotOffered + " The console lists the permissions when a role is edited " +
	"(Administration > User Roles), and the visionone_user_role data source reads the permission keys of a role."

// notOfferedAdviceOn is the advice on e, a call that Vision One does not offer: for a role
// endpoint answered 404 (or 405) as an unknown route, that of a tenant without the newer role
// endpoints; otherwise (a 501, a 400 NotSupported, which may be about this object) the general one.
func notOfferedAdviceOn(e *client.APIError) string {
	switch {
	case !e.OfRoles() || e.StatusCode != http.StatusNotFound && e.StatusCode != http.StatusMethodNotAllowed:
		return notOfferedAdvice
	case e.Creates():
		return roleCreateNotOfferedAdvice
	case e.Method == http.MethodGet:
		return catalogNotOfferedAdvice
	case e.Deletes():
		return roleDeleteNotOfferedAdvice
	}
	return roleNotOfferedAdvice
}

// badRequestAdvice is the advice on a 400, by its Vision One code (API.md, "Errors"): only a refusal
// of the request's values is a matter of the configuration.
func badRequestAdvice(e *client.APIError) string {
	switch e.Code {
	case client.CodeRequestTimeout:
		return gaveUpAdvice(e)
	case client.CodeTaskError:
		return "Vision One failed while carrying out the request (TaskError), which says nothing of its values. Run the " +
			"command again later; after a write, run terraform plan first, whose refresh reads what the write changed, " +
			"if anything. If it persists, give the trace id to Trend Micro support."
	}
	if e.Deletes() {
		return "Vision One refused to delete the object: its message above says why, which no value of the " +
			"configuration changes. Do what it asks and run the command again; or, if Vision One keeps such an object " +
			"for good (as it does some roles migrated from other Trend products), stop managing it with Terraform without " +
			"deleting it: replace its resource with a `removed` block (lifecycle { destroy = false })."
	}
	if e.EditsAPIKey() && attributeOfField(e) == "" {
		return migratedKeyCause + " Otherwise the API rejected a value of the change: correct the value its message " +
			"names in the configuration and apply again."
	}
	if attribute := attributeOfField(e); attribute != "" {
		return fmt.Sprintf("The API rejected the value of %q (%s in the API): correct it in the configuration and "+
			"apply again.", attribute, e.Target)
	}
	if e.Target != "" {
		return fmt.Sprintf("The API rejected the value of its field %q: correct the value it comes from in the "+
			"configuration and apply again.", e.Target)
	}
	return rejectedRequestAdvice
}

// rejectedRequestAdvice is the advice on a 400 to a write that names no field.
const rejectedRequestAdvice = "The API rejected the request: correct the value its message names in the configuration " +
	"and apply again."

// gaveUpAdvice is the advice on a 400 RequestTimeout: Vision One gave up on the request, as with a
// 504, and a write may have been carried out all the same. A create was looked up before it was sent
// again, and after the last attempt (API.md, "Errors").
func gaveUpAdvice(e *client.APIError) string {
	advice := "Vision One gave up on the request before it finished (RequestTimeout), which says nothing of its " +
		"values" + askedAgain(e) + ". "
	switch {
	case e.Creates():
		advice += mayExistAdviceOn(e) + " Then run the command again."
	case e.Method != http.MethodGet:
		advice += "Vision One may have carried it out all the same: run terraform plan, whose refresh reads what exists, " +
			"then apply again."
	default:
		advice += "Run the command again later."
	}
	return advice + " If it persists, give the trace id to Trend Micro support."
}

// attributesOfFields names the resource attribute that each field of the API's request bodies
// comes from.
var attributesOfFields = map[string]string{
	"permissionKeys":             "permissions",
	"allowApiKeyAssignment":      "allow_api_key_assignment",
	"allowUserAccountAssignment": "allow_user_account_assignment",
	"authType":                   "auth_type",
	"monthsToExpiration":         "expires_in_months",
	"name":                       "name",
	"description":                "description",
	"email":                      "email",
	"role":                       "role",
	"status":                     "enabled", // a write sets status from enabled, for accounts and API keys
}

// attributeOfField is the attribute that the field a 400 names (its target, such as
// "permissionKeys" or "items[0].monthsToExpiration") comes from; "" when it comes from none.
func attributeOfField(e *client.APIError) string {
	field := e.Target
	if i := strings.LastIndex(field, "."); i >= 0 {
		field = field[i+1:]
	}
	if i := strings.Index(field, "["); i >= 0 {
		field = field[:i]
	}
	return attributesOfFields[field]
}

// forbiddenAdvice explains a 403 by what the request was: the refusal of one item of a batch that
// Vision One accepted blames no permission, a rule that only a Master Administrator satisfies names
// the rule, and only a request under no rule blames a missing permission.
func forbiddenAdvice(e *client.APIError) string {
	if e.Item != "" {
		// A key without the request's permission has the whole batch refused, not its items.
		return "Vision One accepted the request but refused this item: its message above says why. The provider's key " +
			"has the permission the request needs (a key without it has the whole request refused). Vision One refuses " +
			"some objects to every key: manage such an object in the console, and to stop managing it with Terraform " +
			"without deleting it, replace its resource with a `removed` block (lifecycle { destroy = false })."
	}
	if e.EditsAPIKey() {
		return editRefusedAdvice(e)
	}
	switch e.Rule {
	case client.RuleMasterAdministratorSetsControlFlags:
		return controlFlagsAdvice(e)
	case client.RuleMasterAdministratorManagesAccounts:
		return "Vision One lets only a Master Administrator add, change or delete user accounts, whatever the " +
			"permissions of the key's role, so the provider's key is not a Master Administrator's. " +
			masterAdministratorKeys + " Apply this with such a key, or have a Master Administrator manage the " +
			"account in the console (Administration > User Accounts)."
	}
	return permissionAdvice(e)
}

// controlFlagsAdvice explains a 403 under the rule that only a Master Administrator sets the control
// flags of a custom role. A create without a Master Administrator's key sends both flags false; an
// update sends a flag only when it changes it, so keeping the flags as the role has them leaves them
// alone, where keeping them false would change them again. Whether the key's role also lacks the
// permission of role writes the answer does not say, unless a call of this run has shown it has it.
func controlFlagsAdvice(e *client.APIError) string {
	advice := "Vision One lets only a Master Administrator set the control flags of a custom role " +
		"(allow_api_key_assignment, allow_user_account_assignment), and this change sets them, so the provider's " +
		"key is not a Master Administrator's (one would not be refused). " + masterAdministratorKeys + " Either " +
		"apply this with such a key, or "
	flagsKept := "with both flags false"
	if e.Creates() {
		advice += "keep both flags false in the configuration, apply, have a Master Administrator set them in the " +
			"console (Administration > User Roles), and then write the console's values into the configuration so " +
			"that the next plan shows no change."
	} else {
		advice += "keep allow_api_key_assignment and allow_user_account_assignment at the values the role has in " +
			"Vision One (the plan shows them), so that the update leaves them alone, apply, have a Master Administrator " +
			"change them in the console (Administration > User Roles), and then write those values into the configuration."
		flagsKept = "with the flags left alone"
	}
	if e.PermissionShown {
		return advice
	}
	return advice + fmt.Sprintf(" The key's role may also lack the permission %q, which the change needs %s too: "+
		"the answer does not say. If the next apply is refused naming it, add it to the key's role under "+
		"Administration > User Roles.", e.RequiredPermission(), flagsKept)
}

// permissionAdvice explains a 403 under no rule by the permission the call needs: one a call of this
// run has shown the key has leaves another cause, and a call that needs none was refused by something
// other than Vision One's permissions.
func permissionAdvice(e *client.APIError) string {
	if permission := e.RequiredPermission(); permission != "" && e.PermissionShown {
		return permissionShown(permission) + "so Vision One refused this call for another reason: its message above " +
			"says why."
	}
	if permission := e.RequiredPermission(); permission != "" {
		return fmt.Sprintf("The role of the provider's API key lacks the permission %q that this call needs: add it "+
			"to the key's role under Administration > User Roles, or use a key whose role has it. The provider's "+
			"documentation lists the permissions each resource and data source needs.", permission)
	}
	return "Vision One refused a call that any valid API key may make, so something between the provider and " +
		"Vision One (a proxy, a firewall, an address allow list) may have refused it: the message and trace id " +
		"above say more."
}

// migratedKeyCause is the rule that refuses the edit of an API key moved from the old User Accounts
// app to every key, which Vision One may answer with a 403 or a 400 that blames nothing else, and
// what to do about such a key (API.md, "Decision: migrated API keys").
const migratedKeyCause = "Vision One lets no one edit an API key that was moved from the old User Accounts app, not " +
	"even a Master Administrator, and this key may be one. Such a key can only be used or deleted: manage it in the " +
	"console (Administration > API Keys), or stop managing it with Terraform without deleting it by replacing its " +
	"resource with a `removed` block (lifecycle { destroy = false }); to change it, create a new key in its place."

// editRefusedAdvice explains a 403 to the update of an API key: the key may be one moved from the
// old User Accounts app, or the provider's key may lack the permission, unless a call that needs it
// has succeeded.
func editRefusedAdvice(e *client.APIError) string {
	permission := e.RequiredPermission()
	if e.PermissionShown {
		return permissionShown(permission) + "so Vision One refused to change this API key itself. " + migratedKeyCause
	}
	return migratedKeyCause + fmt.Sprintf(" Otherwise the role of the provider's API key may lack the permission %q "+
		"that this call needs: add it to the key's role under Administration > User Roles, or use a key whose role "+
		"has it.", permission)
}

// keyEditAdvice is errorAdvice on the failed update of an API key. created says that this provider
// created the key through the API (its state holds the value, which only the create's answer
// carries), so it is no key moved from the old User Accounts app: a 403, or a 400 naming no field,
// is then advised as for any other call, without that rule.
func keyEditAdvice(err error, created bool) string {
	advice := errorAdvice(err)
	var answer *client.APIError
	if !created || !errors.As(err, &answer) || !answer.EditsAPIKey() {
		return advice
	}
	switch {
	case answer.StatusCode == http.StatusForbidden:
		return permissionAdvice(answer)
	case strings.HasPrefix(advice, migratedKeyCause):
		return rejectedRequestAdvice
	}
	return advice
}

// permissionShown says that the provider's key has permission, as a call that needed it succeeded.
func permissionShown(permission string) string {
	return fmt.Sprintf("The provider's API key has the permission %q (a call that needs it succeeded in this run), ",
		permission)
}

// stoppedWriteAdvice is the advice on a write whose answer Terraform stopped waiting for.
const stoppedWriteAdvice = "Terraform stopped waiting for this request after it was sent, so whether Vision One " +
	"applied it is unknown. Run terraform plan: its refresh reads what " +
	"exists. After a create, an object Vision One made without Terraform recording it makes the next apply fail " +
	"as already existing: find it in the Vision One console and delete it (an API key made this way has a " +
	"secret no one holds), or import it."

// stoppedKeyCreateAdvice is stoppedWriteAdvice for a create of API keys. A key made without its answer
// has a secret no one holds, so it is to be deleted, never imported; a key named by name_prefix
// clashes with nothing on the next apply, which makes a key of another name, so nothing else points
// such a key out.
const stoppedKeyCreateAdvice = "Terraform stopped waiting for this request after it was sent, so whether Vision One " +
	"made the API key is unknown, and Terraform has not recorded it. " + mayExistKeyAdvice + " A key with a fixed name " +
	"would be reported by the next plan as already existing; a key whose name the provider generates (name_prefix) " +
	"gets another name on the next apply, so nothing else will point it out."

func requestAdvice(e *client.RequestError) string {
	switch e.Kind() {
	case client.FailureHostNotFound:
		return "The API's host name does not exist as far as this machine's DNS can tell, which asking again " +
			"would not change. Check `region` or `endpoint` for a typo, and that this machine resolves public " +
			"names; behind a proxy, set HTTPS_PROXY so that the proxy resolves it."
	case client.FailureConnect:
		return "No connection could be made. Check that `region` or `endpoint` names the API and, for an " +
			"endpoint such as the emulator, that it is running on that address; check that a firewall lets this " +
			"machine through, and behind a proxy set HTTPS_PROXY (and NO_PROXY for hosts reached directly)."
	case client.FailureTLS:
		return "The TLS handshake failed, most often because a proxy or firewall that inspects TLS presents a " +
			"certificate this machine does not trust: add its certificate authority to the system's trust store " +
			"(or name a bundle that holds it in SSL_CERT_FILE). Also check that `endpoint` says https only for a " +
			"server that speaks TLS."
	case client.FailureTimeout:
		return timeoutAdvice(e)
	case client.FailureSchemeMismatch:
		return "The server at the endpoint speaks plain HTTP, but the endpoint's URL says https://, which asking " +
			"again would not change: write `endpoint` with the scheme the server speaks (http:// for a plain HTTP " +
			"service such as the emulator, https:// for one that speaks TLS)."
	case client.FailureAnswerTooLarge:
		return "The answer was far larger than any the Vision One API sends, so something between the provider and " +
			"Vision One (a proxy, a gateway, a captive portal) answered instead, which asking again would not " +
			"change: check that `region` or `endpoint` names the API, and the proxy settings (HTTPS_PROXY, NO_PROXY)."
	case client.FailureRedirect:
		return "The server answered with a redirect, which the Vision One API never sends: `endpoint` is not the " +
			"API's URL, or something between this machine and Vision One (a proxy, a captive portal) answered " +
			"instead. Set `endpoint` to the API's URL (the redirect's URL up to /v3.0, if that is the API), or remove " +
			"it to use `region`; with `region`, check the proxy settings (HTTPS_PROXY, NO_PROXY). The provider " +
			"does not follow redirects, so that the API key goes only to the configured host."
	case client.FailureProxyRefused:
		return "The proxy that HTTPS_PROXY names refused to open a connection to the API, so the request never " +
			"reached Vision One. Check that HTTPS_PROXY names the right proxy and that its rules let this machine " +
			"reach the API's host on port 443 (a proxy that asks for credentials takes them in the URL, " +
			"http://user:password@proxy:port), or list the API's host in NO_PROXY if this machine reaches it directly."
	case client.FailureOther:
		return "The connection broke off while the request was under way. " + runAgainIfPersists + ", check the " +
			"network path to the API (proxy, firewall)."
	}
	return ""
}

// runAgainIfPersists begins the advice on a failure that may pass by itself, which the advice on a
// create whose object may exist leaves out: that object is to be looked for first.
const runAgainIfPersists = "Run the command again; if it persists"

// heldOnTheWay is the advice on an attempt that outlasted a request_timeout no shorter than the API's
// own limit (timeoutAdvice).
const heldOnTheWay = "although Vision One answers every request within a minute (with a 504 when it gives up), so a " +
	"longer request_timeout would not help: something between the provider and Vision One (a proxy, a firewall) held " +
	"the request or its answer. Check the network path to the API."

// timeoutAdvice is the advice on a request that got no answer in time. A longer request_timeout helps
// only while the one in effect is shorter than the API's own limit (DefaultRequestTimeout): by then
// Vision One answers, with a 504 if it gives up (API.md, "Limits"), so no answer means that something
// on the way held the request or its answer.
func timeoutAdvice(e *client.RequestError) string {
	if !attemptTimedOut(e) {
		return "No answer came before the operation's deadline ended. Check the network path to the API (proxy, " +
			"firewall), and run the command again."
	}
	if timeout := attemptTimeout(e); timeout >= client.DefaultRequestTimeout {
		return fmt.Sprintf("No answer came within request_timeout (%s), %s", timeout, heldOnTheWay)
	}
	return "No answer came within request_timeout. Check the network path to the API (proxy, firewall); if " +
		"the API is slow but reachable, raise request_timeout."
}
