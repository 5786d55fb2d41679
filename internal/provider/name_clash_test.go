package provider

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/client"
	"github.com/seed-ebba3aa9/terraform-provider-visionone/internal/emulator"
)

// wantImportHint is what every name clash error says, in this order, about importing the existing
// object of type typeName whose import id is id (which has nothing to quote): the same form for
// every resource type, checked whole so that a regression in any one is caught.
func wantImportHint(typeName, id string) []string {
	return []string{
		"replacing <name> with the name of the resource that is to manage it",
		"terraform import '" + typeName + ".<name>' '" + id + "'",
		"import {", "to = " + typeName + ".<name>", `id = "` + id + `"`,
	}
}

// TestReportTakenName_holderSeenLate: a plan that finds its name taken by an object this process
// has not seen waits a moment for it to be seen, as the instance that a for_each key change
// destroys is planned together with the one that takes its name, and reports nothing once it is;
// an object never seen is reported after that wait, in either letter case.
func TestReportTakenName_holderSeenLate(t *testing.T) {
	t.Parallel()
	clash := func(id string) nameClash {
		return nameClash{typeName: apiKeyType, object: "API key", field: "name", name: "Ops-Key", id: id, importHint: "import it"}
	}
	tests := []struct {
		name, planned string
		seenLate      bool
		want          diag.Severity // of the one diagnostic; -1 for none
	}{
		{"same spelling, seen late", "Ops-Key", true, -1},
		{"other letter case, seen late", "ops-key", true, -1},
		{"same spelling, never seen", "Ops-Key", false, diag.SeverityWarning},
		{"other letter case, never seen", "ops-key", false, diag.SeverityError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := &providerData{}
			releases := nameReleases{startLimit: 200 * time.Millisecond}
			if tt.seenLate {
				go func() {
					time.Sleep(20 * time.Millisecond)
					d.noteManaged(apiKeyType, "holder")
				}()
			}
			var diags diag.Diagnostics
			d.reportTakenName(context.Background(), &diags, "API Key Already Exists", &releases, clash("holder"), tt.planned, "", true, true)
			switch {
			case tt.want == -1 && len(diags) != 0:
				t.Errorf("got %v, want no diagnostic", diags)
			case tt.want != -1 && (len(diags) != 1 || diags[0].Severity() != tt.want):
				t.Errorf("got %v, want one diagnostic of severity %v", diags, tt.want)
			}
		})
	}
}

// The import hint of a name clash must survive copy and paste for any import id, such as an email
// with quotes or HCL template sequences, as a shell command and as an import block.
func TestImportHint(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ id, shell, hcl string }{
		"plain":        {id: "a@example.com", shell: `'a@example.com'`, hcl: `"a@example.com"`},
		"single quote": {id: "o'neil@example.com", shell: `'o'\''neil@example.com'`, hcl: `"o'neil@example.com"`},
		"double quote": {id: `"j doe"@example.com`, shell: `'"j doe"@example.com'`, hcl: `"\"j doe\"@example.com"`},
		"template":     {id: "${x}%{y}@example.com", shell: `'${x}%{y}@example.com'`, hcl: `"$${x}%%{y}@example.com"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := "To manage it with Terraform, import it, replacing <name> with the name of the resource that is to manage it:\n\n" +
				"  terraform import 'visionone_account.<name>' " + tc.shell + "\n\n" +
				"or add this block and apply:\n\n" +
				"  import {\n    to = visionone_account.<name>\n    id = " + tc.hcl + "\n  }"
			if got := importHint(accountType, tc.id, ""); got != want {
				t.Errorf("importHint(%q) =\n%s\nwant\n%s", tc.id, got, want)
			}
			if got := importHint(accountType, tc.id, "A remark."); got != want+"\n\nA remark." {
				t.Errorf("importHint(%q) with a remark =\n%s", tc.id, got)
			}
		})
	}
}

// TestRefusedNameDetail: after a write refused because another object has the name, the advice
// follows what became of this run's change of that object. A holder that this apply renames or
// destroys is named with what the apply does to it, and never called one to import or to give
// another name; a holder the apply did not see change may be either.
func TestRefusedNameDetail(t *testing.T) {
	t.Parallel()
	clash := roleNameClash(client.Role{ID: "r1", Name: "ops"}, "ops", false)
	renamed := nameRelease{from: "ops", to: "ops-old"}
	importAdvice := wantImportHint(userRoleType, "r1")
	tests := map[string]struct {
		outcome releaseOutcome
		release nameRelease
		seen    bool
		// listed: this process listed the roles, which lacked r1.
		listed bool
		want   []string
		// wantNot is advice that would be wrong.
		wantNot []string
	}{
		"its rename failed": {outcome: releaseFailed, release: renamed, seen: true,
			want:    []string{`This apply renames that user role to "ops-old", but that change failed`, "Apply again once that change succeeds."},
			wantNot: []string{"terraform import", "give one of the two resources another name"}},
		"its delete failed": {outcome: releaseFailed, release: nameRelease{from: "ops", deleted: true}, seen: true,
			want:    []string{"This apply destroys that user role, but that change failed"},
			wantNot: []string{"terraform import", "give one of the two resources another name"}},
		"a swap": {outcome: releaseCycle, release: nameRelease{from: "ops", to: "dev"}, seen: true,
			want:    []string{`renames that user role to "dev", and that change waits`, "the renames form a cycle", "in one apply, and its final name in the next"},
			wantNot: []string{"terraform import", "give one of the two resources another name"}},
		"its rename did not begin": {outcome: releaseNotBegun, release: renamed, seen: true,
			want:    []string{"did not begin while this one waited for it: apply again, or add depends_on to this resource", "to make the order explicit"},
			wantNot: []string{"terraform import", "give one of the two resources another name"}},
		"interrupted": {outcome: releaseInterrupted, release: renamed, seen: true,
			want:    []string{"the apply was interrupted while this change waited for it"},
			wantNot: []string{"terraform import"}},
		"a resource that keeps the name": {outcome: releaseUnknown, seen: true,
			want:    []string{"managed by this configuration", "give one of the two resources another name"},
			wantNot: []string{"terraform import"}},
		"a holder the apply did not see": {outcome: releaseUnknown,
			want: slices.Concat(wantLookFirst("user role", "r1", "name. If this apply renames or destroys that resource instead, "+
				"that change did not begin", "make this resource depend on it instead", "apply again, or add depends_on to this resource"),
				[]string{", to manage it"}, importAdvice),
			wantNot: []string{"not managed by this configuration"}},
		// Such as the key or role of another configuration whose apply created it at the same time:
		// not a resource of this state, so no change of this apply can be what it waits for, the
		// state holds nothing to look for, and it is someone else's, not something to import.
		"a holder made since this process listed the roles": {outcome: releaseUnknown, listed: true,
			want: []string{"That user role was created while this apply ran, after the provider listed the user roles, and not " +
				"by this apply", "so it is no resource of this configuration's state but someone else's",
				"created at the same time by another Terraform configuration or workspace, by an automation or in the Vision One console", "Give this resource another name",
				"or agree with whoever owns that user role"},
			wantNot: []string{"If this apply renames or destroys that resource instead", "depends_on", "terraform state list",
				"import", "If the command names none"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := newProviderData(nil)
			if tc.seen {
				d.noteManaged(userRoleType, "r1")
			}
			if tc.listed {
				list := func(context.Context, client.Filter) ([]client.Role, error) {
					return []client.Role{{ID: "r0", Name: "dev"}}, nil
				}
				if _, err := d.roles.find(context.Background(), "roles", list, "ops", func(r *client.Role) string { return r.Name }); err != nil {
					t.Fatal(err)
				}
			}
			detail := d.refusedNameDetail(clash, tc.outcome, tc.release)
			if !regexpText(tc.want...).MatchString(detail) {
				t.Errorf("the detail does not say %q in this order:\n%s", tc.want, detail)
			}
			for _, wrong := range tc.wantNot {
				if strings.Contains(detail, wrong) {
					t.Errorf("the detail says %q:\n%s", wrong, detail)
				}
			}
			if !strings.HasPrefix(detail, `Vision One already has the user role "ops" (id r1)`) {
				t.Errorf("the detail does not name the holder first:\n%s", detail)
			}
		})
	}
}

// TestAPIKeyNameClash_advice: a key that this configuration's state does not hold may be another
// configuration's or an automation's, whose integrations use it: the advice on a name clash says
// so before it offers an import, and offers deleting the key only when no one uses it, with
// last_used_at as the way to tell, never as what to do by default.
func TestAPIKeyNameClash_advice(t *testing.T) {
	t.Parallel()
	d := newProviderData(nil)
	key := &client.APIKey{ID: "k1", Name: "ci"}
	for name, detail := range map[string]string{
		"renamed": d.nameClashDetail(apiKeyNameClash(key, "CI", false)),
		"created": d.nameClashDetail(apiKeyNameClash(key, "ci", true)),
	} {
		want := slices.Concat(wantLookFirst("API key", "k1"), wantImportHint(apiKeyType, "k1"), []string{
			"An import cannot recover the key's value", "Or, instead of importing it, give this resource another name.",
			"Delete it in the console (Administration > API Keys) and apply again only if no one uses it",
			"read its last_used_at in the visionone_api_keys data source",
		})
		if !regexpText(want...).MatchString(detail) {
			t.Errorf("%s: the detail does not say %q in this order:\n%s", name, want, detail)
		}
		if strings.Contains(detail, "If nobody holds its value") {
			t.Errorf("%s: the detail offers deleting the key by default:\n%s", name, detail)
		}
	}
}

// TestAccNameClash_refusedInOtherWords: how Vision One words the refusal of a duplicate name is not
// published, and the client recognises only some wordings. Behind a proxy that words the
// emulator's refusals otherwise, a key and a role created under the exact name of a console
// object (which the plan only warns of) still fail as a name clash that names the object and how
// to import it, and nothing is created.
func TestAccNameClash_refusedInOtherWords(t *testing.T) {
	reworded := &hostileAnswer{
		passThrough: true,
		match:       matchRequest(http.MethodPost, regexp.MustCompile(`^/v3\.0/iam/(apiKeys|roles)$`)),
		rewrite: func(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
			body := strings.NewReplacer("already exists", "is not available", "DuplicateItem", "InvalidValue",
				"unique", "distinct").Replace(rec.Body.String())
			passOn(w, rec, []byte(body))
		},
	}
	reworded.armed.Store(true)
	e := startEmulatorBehind(t, reworded.wrap)
	e.requireEmulator("a proxy rewords the API's answers")
	key := e.createAPIKey(client.APIKeyCreate{Name: e.name("console-key"), Role: "SIEM"})
	role := e.createRole(client.RoleCreate{Name: e.name("console-role")})
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { testAccPreCheck(t) },
		ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: e.providerConfig() + testAccAPIKeyConfig(key.Name, "SIEM", "", true),
				ExpectError: regexpText(slices.Concat([]string{"API Key Already Exists", "is not available",
					fmt.Sprintf(`Vision One already has the API key %q (id %s)`, key.Name, key.ID)}, wantImportHint(apiKeyType, key.ID))...),
			},
			{
				Config: e.providerConfig() + fmt.Sprintf(`
resource "visionone_user_role" "test" {
  name        = %q
  permissions = []
}
`, role.Name),
				ExpectError: regexpText(slices.Concat([]string{"User Role Already Exists", "is not available",
					fmt.Sprintf(`Vision One already has the user role %q (id %s)`, role.Name, role.ID)}, wantImportHint(userRoleType, role.ID))...),
			},
		},
	})
	if keys, err := e.apiKeys(context.Background()); err != nil || len(keys) != 1 {
		t.Errorf("the tenant has %d keys of this test (%v), want only the console's", len(keys), err)
	}
	roles, err := e.API.ListRoles(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(slices.DeleteFunc(roles, func(r client.Role) bool { return !strings.EqualFold(r.Name, role.Name) })); n != 1 {
		t.Errorf("the tenant has %d roles named %q, want only the console's", n, role.Name)
	}
	if reworded.hits.Load() < 2 {
		t.Errorf("the proxy reworded %d refusals, want one for the key and one for the role", reworded.hits.Load())
	}
}

// clashHolderType is a resource type whose name clashes the tests below provoke.
type clashHolderType struct {
	typeName, object, summary string
	// attributes are the other attributes of a resource.
	attributes string
}

func clashHolderTypes(t *testing.T, e *testEmulator) []clashHolderType {
	t.Helper()
	e.requireMasterAdministrator("create roles, whose control flags default to true")
	return []clashHolderType{
		{typeName: apiKeyType, object: "API key", summary: "API Key Already Exists", attributes: `role = "Auditor"`},
		{typeName: userRoleType, object: "user role", summary: "User Role Already Exists",
			attributes: "permissions = " + hclStringList(rolePermissionKeys(t, e, 1))},
	}
}

// config is a configuration with one resource of the type per name, named by its key.
func (c clashHolderType) config(e *testEmulator, names map[string]string) string {
	config := e.providerConfig()
	for _, resourceName := range slices.Sorted(maps.Keys(names)) {
		config += fmt.Sprintf("\nresource %q %q {\n  name = %q\n  %s\n}\n", c.typeName, resourceName, names[resourceName], c.attributes)
	}
	return config
}

// wantLookFirst is what a name clash error says, in this order, about the existing object, object
// in words, with id, when the provider process has not seen it in the state: to look for it in the
// state, with a command that finds it by id, and to leave it to another configuration or automation
// that may manage it, before importing it (wantImportHint follows). managedHint is what the error
// says, if anything, of a resource of the state that has it.
func wantLookFirst(object, id string, managedHint ...string) []string {
	return slices.Concat([]string{
		"provider has not seen that " + object + " in the Terraform state in this run",
		"and -target only those targeted", "terraform state list -id='" + id + "'",
		"If that names a resource, the " + object + " is that resource's: give one of the two resources another",
	}, managedHint, []string{
		"terraform state list covers only this configuration's state, though: the " + object + " may also belong to " +
			"another Terraform configuration or workspace, or to an automation, and then this resource needs another",
		"rather than an import (an object imported into two states is managed by both, each undoing the other's changes): " +
			"import only what no one else manages.",
		"If the command names none",
	})
}

// unseenHolderAdvice is what the error of an apply says, in this order, about the object of
// typeName, object in words, with id, whose name the apply wanted, when the apply's provider
// process has not seen it in the state: to look for it in the state before importing it.
func unseenHolderAdvice(typeName, object, id string) []string {
	return slices.Concat(wantLookFirst(object, id), wantImportHint(typeName, id))
}

// TestAccNameClash_renameIntoManagedName: a rename into the name, in other letter case, of an
// object that another resource of the configuration keeps fails at apply. The apply plans only the
// resources it changes, so its provider process has not seen the other resource; the error must
// not call that object unmanaged or tell the user to import it outright, but to look for its id in
// the state first.
func TestAccNameClash_renameIntoManagedName(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	for _, holder := range clashHolderTypes(t, e) {
		t.Run(holder.typeName, func(t *testing.T) {
			dup, other := e.name(holder.typeName+"-dup"), e.name(holder.typeName+"-other")
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { testAccPreCheck(t) },
				ProtoV6ProviderFactories: testAccProtoV6ProviderFactories,
				Steps: []resource.TestStep{
					{Config: holder.config(e, map[string]string{"a": dup, "c": other})},
					{
						Config: holder.config(e, map[string]string{"a": dup, "c": strings.ToUpper(dup)}),
						ExpectError: regexpText(holder.summary, fmt.Sprintf("to %q", strings.ToUpper(dup)),
							fmt.Sprintf("Vision One already has the %s %q", holder.object, dup),
							"provider has not seen that "+holder.object+" in the Terraform state in this run",
							"terraform state list -id=", "give one of the two resources another name.", "may also belong to another Terraform configuration",
							"If the command names none",
							"terraform import"),
					},
				},
			})
		})
	}
}

// TestAccNameClash_unseenHolder_cli runs the CLI itself, for what terraform-plugin-testing cannot
// pass: -refresh=false and -target. However little of the state the apply's provider process sees,
// the error of a write refused because another resource of the configuration has the name says to
// look for that object in the state first, and the command it gives finds that resource.
func TestAccNameClash_unseenHolder_cli(t *testing.T) {
	e := startEmulator(t, emulator.Options{})
	for _, holder := range clashHolderTypes(t, e) {
		t.Run(holder.typeName, func(t *testing.T) { testAccNameClashUnseenHolderCLI(t, e, holder) })
	}
}

func testAccNameClashUnseenHolderCLI(t *testing.T, e *testEmulator, holder clashHolderType) {
	w := newCLIWorkspace(t, featureNone)
	dup, other := e.name(holder.typeName+"-dup"), e.name(holder.typeName+"-other")
	w.write("main.tf", holder.config(e, map[string]string{"a": dup, "c": other}))
	w.run([]int{0}, "init", "-input=false", "-no-color")
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
	_, shown := w.run([]int{0}, "state", "show", "-no-color", holder.typeName+".a")
	match := regexp.MustCompile(`(?m)^\s*id\s*=\s*"([^"]+)"`).FindStringSubmatch(shown)
	if match == nil {
		t.Fatalf("no id in the state of %s.a:\n%s", holder.typeName, shown)
	}
	id := match[1]
	if _, listed := w.run([]int{0}, "state", "list", "-id="+id); strings.TrimSpace(listed) != holder.typeName+".a" {
		t.Fatalf("terraform state list -id=%s lists %q, want %s.a", id, listed, holder.typeName)
	}

	for _, tc := range []struct {
		name  string
		names map[string]string
		args  []string
	}{
		{name: "a rename", names: map[string]string{"a": dup, "c": strings.ToUpper(dup)}},
		{name: "a rename without refresh", names: map[string]string{"a": dup, "c": strings.ToUpper(dup)}, args: []string{"-refresh=false"}},
		{name: "a create with -target", names: map[string]string{"a": dup, "c": other, "d": dup}, args: []string{"-target=" + holder.typeName + ".d"}},
	} {
		w.write("main.tf", holder.config(e, tc.names))
		_, out := w.run([]int{1}, slices.Concat([]string{"apply", "-auto-approve", "-input=false", "-json"}, tc.args)...)
		errs := jsonDiagnostics(out, "error", holder.summary)
		want := regexpText(unseenHolderAdvice(holder.typeName, holder.object, id)...)
		if len(errs) != 1 || !want.MatchString(errs[0]) {
			t.Errorf("%s: want one error %s that says %q in this order, got:\n%s", tc.name, holder.summary,
				unseenHolderAdvice(holder.typeName, holder.object, id), strings.Join(errs, "\n\n"))
		}
		for _, msg := range errs {
			if strings.Contains(msg, "not managed by this configuration") {
				t.Errorf("%s: the error calls the object unmanaged:\n%s", tc.name, msg)
			}
		}
	}
	w.write("main.tf", e.providerConfig())
	w.run([]int{0}, "apply", "-auto-approve", "-input=false", "-no-color")
}
