package sqlscan

import (
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// scope maps names to the expressions they stand for: a package's
// constants and variables, or a function's, falling back to the package.
// A name given a value more than once is not followed. A function's range
// variables over a table of struct literals are its tables.
type scope struct {
	exprs  map[string]ast.Expr
	tables map[string]*table
	funcs  map[string]*ast.FuncDecl
	parent *scope
}

// table is a slice of struct literals a function ranges over, such as a
// list of statements with what each fills in.
type table struct {
	rows   []*ast.CompositeLit
	fields []string // in declaration order, for rows written without keys
}

// field is the value of the named field in row i; nil if it is not given.
func (t *table) field(i int, name string) ast.Expr {
	for j, e := range t.rows[i].Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == name {
				return kv.Value
			}
			continue
		}
		if j < len(t.fields) && t.fields[j] == name {
			return e
		}
	}
	return nil
}

// newTable reads a table from a slice literal of struct literals.
func newTable(e ast.Expr) *table {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	arr, ok := lit.Type.(*ast.ArrayType)
	if !ok {
		return nil
	}
	st, ok := arr.Elt.(*ast.StructType)
	if !ok {
		return nil
	}
	t := &table{}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			t.fields = append(t.fields, n.Name)
		}
	}
	for _, row := range lit.Elts {
		r, ok := row.(*ast.CompositeLit)
		if !ok {
			return nil
		}
		t.rows = append(t.rows, r)
	}
	return t
}

func (s *scope) set(name string, e ast.Expr) {
	if _, dup := s.exprs[name]; dup {
		s.exprs[name] = nil
		return
	}
	s.exprs[name] = e
}

func (s *scope) addSpecs(g *ast.GenDecl) {
	if g.Tok != token.CONST && g.Tok != token.VAR {
		return
	}
	for _, spec := range g.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Names) != len(vs.Values) {
			continue
		}
		for i, n := range vs.Names {
			s.set(n.Name, vs.Values[i])
		}
	}
}

// localScope collects a function's own constants, variables and tables;
// a name assigned again later (sql += ...) is not followed.
func localScope(body *ast.BlockStmt, pkg *scope) *scope {
	s := &scope{exprs: map[string]ast.Expr{}, tables: map[string]*table{}, parent: pkg}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.DeclStmt:
			if g, ok := n.Decl.(*ast.GenDecl); ok {
				s.addSpecs(g)
			}
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok {
					continue
				}
				if n.Tok == token.DEFINE && len(n.Lhs) == len(n.Rhs) {
					s.set(id.Name, n.Rhs[i])
				} else {
					s.exprs[id.Name] = nil
				}
			}
		case *ast.RangeStmt:
			v, ok := n.Value.(*ast.Ident)
			if !ok {
				return true
			}
			src := n.X
			if id, ok := src.(*ast.Ident); ok {
				src, _ = s.lookup(id.Name)
			}
			if t := newTable(src); t != nil {
				s.tables[v.Name] = t
			}
		}
		return true
	})
	return s
}

func (s *scope) lookup(name string) (ast.Expr, bool) {
	for sc := s; sc != nil; sc = sc.parent {
		if e, ok := sc.exprs[name]; ok {
			return e, e != nil
		}
	}
	return nil, false
}

// tableVars are the table variables whose fields e reads.
func (s *scope) tableVars(e ast.Expr) []string {
	var vars []string
	ast.Inspect(e, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && s.tables[id.Name] != nil && !slices.Contains(vars, id.Name) {
				vars = append(vars, id.Name)
			}
		}
		return true
	})
	return vars
}

// bindings are every combination of rows of the tables vars name.
func (s *scope) bindings(vars []string) []map[string]int {
	out := []map[string]int{{}}
	for _, v := range vars {
		var next []map[string]int
		for _, b := range out {
			for i := range s.tables[v].rows {
				m := map[string]int{v: i}
				for k, r := range b {
					m[k] = r
				}
				next = append(next, m)
			}
		}
		out = next
	}
	return out
}

// env is one folding: the row each table variable stands at, the names
// being followed (so a cycle stops), and the table values read.
type env struct {
	row  map[string]int
	busy []string
	read []ast.Expr
}

// fold evaluates a string expression; ok is false when part of it is not
// known from the source.
func (s *scope) fold(e ast.Expr, en *env) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(x.Value)
		return v, err == nil
	case *ast.ParenExpr:
		return s.fold(x.X, en)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		l, ok := s.fold(x.X, en)
		if !ok {
			return "", false
		}
		r, ok := s.fold(x.Y, en)
		return l + r, ok
	case *ast.Ident:
		def, ok := s.lookup(x.Name)
		for _, b := range en.busy {
			ok = ok && b != x.Name
		}
		if !ok {
			return "", false
		}
		en.busy = append(en.busy, x.Name)
		defer func() { en.busy = en.busy[:len(en.busy)-1] }()
		return s.fold(def, en)
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		if !ok || s.tables[id.Name] == nil {
			return "", false
		}
		i, bound := en.row[id.Name]
		if !bound {
			return "", false
		}
		v := s.tables[id.Name].field(i, x.Sel.Name)
		if v == nil {
			return "", false
		}
		en.read = append(en.read, v)
		return s.fold(v, en)
	case *ast.CallExpr:
		if text, ok := s.call(x, en); ok {
			return text, true
		}
		return filterPart(x)
	}
	return "", false
}

// call evaluates a call to one of the package's functions whose body is a
// single return of a string expression over its parameters, such as a
// helper that wraps a column in an expression.
func (s *scope) call(c *ast.CallExpr, en *env) (string, bool) {
	id, ok := c.Fun.(*ast.Ident)
	if !ok {
		return "", false
	}
	root := s
	for root.parent != nil {
		root = root.parent
	}
	fn := root.funcs[id.Name]
	if fn == nil || len(fn.Body.List) != 1 {
		return "", false
	}
	ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	args := &scope{exprs: map[string]ast.Expr{}, parent: root}
	i := 0
	for _, f := range fn.Type.Params.List {
		for _, n := range f.Names {
			if i >= len(c.Args) {
				return "", false
			}
			v, ok := s.fold(c.Args[i], en)
			if !ok {
				return "", false
			}
			args.exprs[n.Name] = &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(v)}
			i++
		}
	}
	return args.fold(ret.Results[0], en)
}

// filterPart is what a call to the scope filter's methods stands for.
func filterPart(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	switch sel.Sel.Name {
	case "sql", "test":
		return "true", true
	case "page":
		return "", true
	case "param":
		return paramMark, true
	}
	return "", false
}

var paramRef = regexp.MustCompile(`\$(\d+)`)

// numberParams gives each filter parameter the next number after the
// statement's own.
func numberParams(sql string) string {
	next := 0
	for _, m := range paramRef.FindAllStringSubmatch(sql, -1) {
		if n, _ := strconv.Atoi(m[1]); n > next {
			next = n
		}
	}
	for strings.Contains(sql, paramMark) {
		next++
		sql = strings.Replace(sql, paramMark, "$"+strconv.Itoa(next), 1)
	}
	return sql
}

// Prepare is a PREPARE of the statement under name, for checking it
// against a schema without running it. Each parameter the statement names
// is typed unknown, to be inferred from its use; a number it skips (one
// the scope filter would have used at run time) is typed text, since
// PostgreSQL cannot infer a parameter nothing uses.
func (s Statement) Prepare(name string) string {
	used := map[int]bool{}
	highest := 0
	for _, m := range paramRef.FindAllStringSubmatch(s.SQL, -1) {
		n, _ := strconv.Atoi(m[1])
		used[n] = true
		highest = max(highest, n)
	}
	if highest == 0 {
		return "PREPARE " + name + " AS " + s.SQL
	}
	types := make([]string, highest)
	for i := range types {
		types[i] = "text"
		if used[i+1] {
			types[i] = "unknown"
		}
	}
	return "PREPARE " + name + " (" + strings.Join(types, ", ") + ") AS " + s.SQL
}
