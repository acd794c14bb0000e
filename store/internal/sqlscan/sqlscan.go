// Package sqlscan finds the SQL statements in package store's Go source, so
// that the statements of an earlier release can be checked against the
// current schema (store.TestUpgradePreviousReleaseQueries). It reads
// source, not a running program: a statement is a string expression in a
// function body whose text starts with SELECT, INSERT, UPDATE, DELETE or
// WITH (or CREATE TEMP, the scratch tables some statements use), folded
// from string literals and string constants.
//
// It follows what the store builds statements from: constants and
// variables of the package or the function, the package's one-line helpers
// (func f(col string) string { return ... }), and tables of statements a
// function ranges over (one statement per row). The scope filter's run-time
// parts (store/scope.go) stand in as they would for an admin: its
// conditions as "true", a page clause as nothing, and each extra parameter
// as a parameter numbered after the statement's own. Any other run-time
// part leaves the statement out, and its position is reported in the file
// header, so nobody takes the check for more than it is.
package sqlscan

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Statement is one SQL statement and where it is in the source.
type Statement struct {
	Pos string // file.go:line
	SQL string
}

// Setup reports whether the statement makes a scratch table later
// statements read, so is run rather than only prepared.
func (s Statement) Setup() bool { return strings.HasPrefix(s.SQL, "CREATE TEMP") }

// Result is what Extract found: the statements, each once, in file and
// line order, and the positions of statements built at run time in a way
// it cannot follow.
type Result struct {
	Statements []Statement
	Skipped    []string
}

// sqlStart is how a statement's text begins.
var sqlStart = regexp.MustCompile(`^(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE TEMP)\b`)

// paramMark stands for a parameter the scope filter adds; Extract numbers
// it after the statement's own parameters.
const paramMark = "\x00param\x00"

// Extract parses the files of one package (name to source; test files are
// the caller's to leave out) and returns its statements.
func Extract(files map[string][]byte) (Result, error) {
	fset := token.NewFileSet()
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var parsed []*ast.File
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			return Result{}, err
		}
		parsed = append(parsed, f)
	}
	pkg := scope{exprs: map[string]ast.Expr{}, funcs: map[string]*ast.FuncDecl{}}
	for _, f := range parsed {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				pkg.addSpecs(d)
			case *ast.FuncDecl:
				if d.Recv == nil && d.Body != nil {
					pkg.funcs[d.Name.Name] = d
				}
			}
		}
	}

	var res Result
	seen := map[string]bool{}
	for _, f := range parsed {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			found, skipped := statementsOf(fset, fn.Body, &pkg)
			res.Skipped = append(res.Skipped, skipped...)
			for _, s := range found {
				if !seen[s.SQL] {
					seen[s.SQL] = true
					res.Statements = append(res.Statements, s)
				}
			}
		}
	}
	return res, nil
}

// statementsOf finds the statements of one function body, in source
// order, and the positions of those it cannot follow. A statement built
// from a field of a table the function ranges over (a slice of struct
// literals) is one statement per row, placed at the row's value; that
// value is not a statement of its own.
func statementsOf(fset *token.FileSet, body *ast.BlockStmt, pkg *scope) (found []Statement, skipped []string) {
	local := localScope(body, pkg)
	position := func(at token.Pos) string {
		p := fset.Position(at)
		return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line)
	}
	type located struct {
		at  token.Pos
		sql string
	}
	var out []located
	consumed := map[ast.Expr]bool{}
	var plain []ast.Expr
	for _, e := range candidates(body) {
		head, _ := local.fold(leftmost(e), &env{})
		if !sqlStart.MatchString(strings.TrimSpace(head)) {
			continue
		}
		vars := local.tableVars(e)
		if len(vars) == 0 {
			plain = append(plain, e)
			continue
		}
		for _, rows := range local.bindings(vars) {
			en := &env{row: rows}
			text, ok := local.fold(e, en)
			if !ok {
				skipped = append(skipped, position(e.Pos()))
				break
			}
			at := e.Pos()
			if len(en.read) > 0 {
				at = en.read[0].Pos()
			}
			for _, v := range en.read {
				consumed[v] = true
				at = min(at, v.Pos())
			}
			out = append(out, located{at, text})
		}
	}
	for _, e := range plain {
		if consumed[e] {
			continue
		}
		text, ok := local.fold(e, &env{})
		if !ok {
			if _, isIdent := e.(*ast.Ident); !isIdent {
				skipped = append(skipped, position(e.Pos()))
			}
			continue
		}
		out = append(out, located{e.Pos(), text})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].at < out[j].at })
	for _, l := range out {
		found = append(found, Statement{Pos: position(l.at), SQL: numberParams(strings.TrimSpace(l.sql))})
	}
	return found, skipped
}

// candidates are the whole string expressions of a function body: every
// string literal or concatenation that is not an operand of a larger
// concatenation, and every identifier passed to a call (a statement held
// in a constant or variable).
func candidates(body *ast.BlockStmt) []ast.Expr {
	operand := map[ast.Expr]bool{}
	var markOperands func(e ast.Expr)
	markOperands = func(e ast.Expr) {
		operand[e] = true
		if p, ok := e.(*ast.ParenExpr); ok {
			markOperands(p.X)
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if b, ok := n.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			markOperands(b.X)
			markOperands(b.Y)
		}
		return true
	})
	var out []ast.Expr
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BinaryExpr:
			if n.Op == token.ADD && !operand[n] {
				out = append(out, n)
			}
		case *ast.BasicLit:
			if n.Kind == token.STRING && !operand[n] {
				out = append(out, n)
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				if id, ok := a.(*ast.Ident); ok {
					out = append(out, id)
				}
			}
		}
		return true
	})
	return out
}

// leftmost is the first operand of a concatenation, which says whether
// the whole is SQL.
func leftmost(e ast.Expr) ast.Expr {
	for {
		switch x := e.(type) {
		case *ast.BinaryExpr:
			e = x.X
		case *ast.ParenExpr:
			e = x.X
		default:
			return e
		}
	}
}
