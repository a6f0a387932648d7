//! The house's rules, read from the code itself (docs/architecture.md states them):
//! - the engine (the library, `src/lib.rs` and every module it declares) does no input or
//!   output: no file system, clock, environment, process, thread or terminal;
//! - its modules import only downward, in the order the data flows (the layers below), and
//!   no two files import each other, directly or round a circle;
//! - the command line (`src/main.rs` and its modules) sits above all of it and has no circle
//!   either.
//!
//! Imports are read from the source: every `use` tree, and every path that starts at `crate`,
//! `super`, `self` or a name a `use` brought in, resolved to the file that defines the module
//! (through `pub use` re-exports to the file that defines the item). A module's `pub use` of its
//! own child, like its `mod` line, states what it offers and is no import. Comments, strings
//! and `#[cfg(test)]` items are left out: tests may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The engine's layers, lowest first. A module may import from its own layer (if no circle
/// results) and from any layer below; never from a layer above.
const LAYERS: &[&[&str]] = &[
    &["text", "hash", "date", "csv", "excel", "workbook_bytes"],
    &["period", "progress", "folder"],
    &["names", "schema"],
    &["measures", "definitions"],
    &["export"],
    &["recognise"],
    &["validate"],
    &["report"],
    &["kpi"],
    &["explain"],
    &["write"],
    &["audit"],
    &["scorecard"],
];

/// What the engine must never call: the shell's business.
const FORBIDDEN_IN_ENGINE: &[(&str, &str)] = &[
    ("std::fs", "the file system"),
    ("fs::", "the file system"),
    ("File::open", "the file system"),
    ("std::env", "the environment"),
    ("std::process", "the process"),
    ("std::thread", "threads"),
    ("SystemTime", "the clock"),
    ("Instant::now", "the clock"),
    ("std::io::stdin", "the terminal"),
    ("std::io::stdout", "the terminal"),
    ("std::io::stderr", "the terminal"),
    ("println!", "the terminal"),
    ("eprintln!", "the terminal"),
    ("print!", "the terminal"),
    ("eprint!", "the terminal"),
    ("IsTerminal", "the terminal"),
    (".exists()", "the file system"),
    (".is_file()", "the file system"),
    (".is_dir()", "the file system"),
    ("canonicalize", "the file system"),
    ("read_dir", "the file system"),
    ("symlink_metadata", "the file system"),
    ("available_parallelism", "threads"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Path,
    Open,
    Close,
    Comma,
    Semi,
    Star,
    Hash,
    Bracket(char),
    /// Any other character of code (`!`, `=`), and a literal (as `"`).
    Other(char),
}

/// The tokens of a Rust file; comments are dropped, and each string or character literal is one
/// token holding none of its text.
fn lex(src: &str) -> Vec<Tok> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            continue;
        }
        if c == '"' {
            i = skip_string(&chars, i + 1, 0);
            toks.push(Tok::Other('"'));
            continue;
        }
        if (c == 'r' || c == 'b') && is_raw_start(&chars, i) {
            let mut j = i + if c == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            i = skip_string(&chars, j + 1, hashes);
            toks.push(Tok::Other('"'));
            continue;
        }
        if c == 'b' && next == Some('"') {
            i = skip_string(&chars, i + 2, 0);
            toks.push(Tok::Other('"'));
            continue;
        }
        if c == '\'' {
            // A character literal, or a lifetime (left to the identifier that follows).
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
                toks.push(Tok::Other('"'));
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
                toks.push(Tok::Other('"'));
            } else {
                i += 1;
            }
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            toks.push(Tok::Ident(word));
            continue;
        }
        i += 1;
        toks.push(match c {
            ':' if next == Some(':') => {
                i += 1;
                Tok::Path
            }
            '{' => Tok::Open,
            '}' => Tok::Close,
            ',' => Tok::Comma,
            ';' => Tok::Semi,
            '*' => Tok::Star,
            '#' => Tok::Hash,
            '[' | ']' | '(' | ')' => Tok::Bracket(c),
            c if c.is_whitespace() => continue,
            c => Tok::Other(c),
        });
    }
    toks
}

fn is_raw_start(chars: &[char], i: usize) -> bool {
    let j = if chars[i] == 'b' { i + 1 } else { i };
    if chars[i] == 'b' && chars.get(j) != Some(&'r') {
        return false;
    }
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut k = j + 1;
    while chars.get(k) == Some(&'#') {
        k += 1;
    }
    chars.get(k) == Some(&'"')
}

/// The position after a string literal whose body starts at `i`, closed by `"` and `hashes`
/// `#`s (an ordinary string has escapes, a raw one none).
fn skip_string(chars: &[char], mut i: usize, hashes: usize) -> usize {
    let raw = hashes > 0 || (i >= 2 && chars[i - 2] == 'r') || (i >= 2 && chars[i - 2] == '#');
    while i < chars.len() {
        if !raw && chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] == '"' && (0..hashes).all(|h| chars.get(i + 1 + h) == Some(&'#')) {
            return i + 1 + hashes;
        }
        i += 1;
    }
    i
}

/// The code the tokens spell, identifiers kept apart by a space, for finding calls in it.
fn code_of(toks: &[Tok]) -> String {
    let mut out = String::new();
    let mut last_ident = false;
    for t in toks {
        if let Tok::Ident(w) = t {
            if last_ident {
                out.push(' ');
            }
            out.push_str(w);
        }
        last_ident = matches!(t, Tok::Ident(_));
        match t {
            Tok::Ident(_) => {}
            Tok::Path => out.push_str("::"),
            Tok::Open => out.push('{'),
            Tok::Close => out.push('}'),
            Tok::Comma => out.push(','),
            Tok::Semi => out.push(';'),
            Tok::Star => out.push('*'),
            Tok::Hash => out.push('#'),
            Tok::Bracket(c) | Tok::Other(c) => out.push(*c),
        }
    }
    out
}

/// Whether `code` calls on `needle`: found where no identifier runs into its start.
fn mentions(code: &str, needle: &str) -> bool {
    code.match_indices(needle).any(|(at, _)| {
        code[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    })
}

/// Drops every item marked `#[cfg(test)]` (a test module, a test-only import or helper).
fn without_tests(toks: Vec<Tok>) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let is_cfg_test = toks[i] == Tok::Hash
            && toks.get(i + 1) == Some(&Tok::Bracket('['))
            && toks.get(i + 2) == Some(&Tok::Ident("cfg".into()))
            && toks.get(i + 3) == Some(&Tok::Bracket('('))
            && toks.get(i + 4) == Some(&Tok::Ident("test".into()))
            && toks.get(i + 5) == Some(&Tok::Bracket(')'))
            && toks.get(i + 6) == Some(&Tok::Bracket(']'));
        if !is_cfg_test {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += 7;
        let mut depth = 0;
        while i < toks.len() {
            match toks[i] {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                Tok::Semi if depth == 0 => {
                    i += 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

/// A path of a `use` tree and the name it binds (`None` for a glob).
type UsePath = (Vec<String>, Option<String>);

/// The paths of a `use` tree starting at `toks[i]` (after `use`), each with the name it binds
/// (`None` for a glob), and the position after its `;`.
fn use_tree(toks: &[Tok], mut i: usize) -> (Vec<UsePath>, usize) {
    fn tree(toks: &[Tok], i: &mut usize, prefix: &[String], out: &mut Vec<UsePath>) {
        let mut path = prefix.to_vec();
        loop {
            match toks.get(*i) {
                Some(Tok::Ident(w)) if w == "as" => {
                    *i += 1;
                    if let Some(Tok::Ident(alias)) = toks.get(*i) {
                        *i += 1;
                        if let Some(last) = out.last_mut() {
                            last.1 = Some(alias.clone());
                        }
                    }
                    return;
                }
                Some(Tok::Ident(w)) => {
                    *i += 1;
                    if w == "self" && !path.is_empty() && toks.get(*i) != Some(&Tok::Path) {
                        let name = path.last().cloned();
                        out.push((path.clone(), name));
                        continue;
                    }
                    path.push(w.clone());
                    if toks.get(*i) != Some(&Tok::Path) {
                        out.push((path.clone(), Some(w.clone())));
                    }
                }
                Some(Tok::Path) => *i += 1,
                Some(Tok::Star) => {
                    *i += 1;
                    out.push((path.clone(), None));
                }
                Some(Tok::Open) => {
                    *i += 1;
                    loop {
                        tree(toks, i, &path, out);
                        match toks.get(*i) {
                            Some(Tok::Comma) => *i += 1,
                            Some(Tok::Close) => {
                                *i += 1;
                                break;
                            }
                            _ => break,
                        }
                    }
                }
                _ => return,
            }
        }
    }
    let mut out = Vec::new();
    tree(toks, &mut i, &[], &mut out);
    while i < toks.len() && toks[i] != Tok::Semi {
        i += 1;
    }
    (out, i + 1)
}

/// A source file of one crate.
struct File {
    path: PathBuf,
    /// Its module path from the crate root (`["validate", "schema"]`).
    module: Vec<String>,
    toks: Vec<Tok>,
    code: String,
}

/// Every file of the crate rooted at `root` (its `mod` declarations followed).
fn crate_files(root: &Path) -> Vec<File> {
    let mut files = Vec::new();
    let mut todo = vec![(root.to_path_buf(), Vec::<String>::new())];
    while let Some((path, module)) = todo.pop() {
        let src = std::fs::read_to_string(&path).unwrap();
        let toks = without_tests(lex(&src));
        let code = code_of(&toks);
        let dir = if module.is_empty() || path.file_name().is_some_and(|n| n == "mod.rs") {
            path.parent().unwrap().to_path_buf()
        } else {
            path.with_extension("")
        };
        for w in toks.windows(3) {
            if let [Tok::Ident(m), Tok::Ident(name), Tok::Semi] = w
                && m == "mod"
            {
                let file = dir.join(format!("{name}.rs"));
                let child = if file.exists() {
                    file
                } else {
                    dir.join(name).join("mod.rs")
                };
                let mut m = module.clone();
                m.push(name.clone());
                todo.push((child, m));
            }
        }
        files.push(File {
            path,
            module,
            toks,
            code,
        });
    }
    files.sort_by(|a, b| a.module.cmp(&b.module));
    files
}

/// The module paths `file` imports from its own crate (and, with `extern`, from the library,
/// whose paths are given prefixed with `yjb_return`).
fn imports(file: &File, modules: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let toks = &file.toks;
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut paths: Vec<Vec<String>> = Vec::new();
    let absolute = |p: &[String]| -> Option<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        let mut rest = p;
        match p.first().map(String::as_str) {
            Some("crate") => rest = &p[1..],
            Some("self") => {
                out = file.module.clone();
                rest = &p[1..];
            }
            Some("super") => {
                out = file.module.clone();
                while rest.first().map(String::as_str) == Some("super") {
                    out.pop();
                    rest = &rest[1..];
                }
            }
            Some("yjb_return") => {
                out.push("yjb_return".into());
                rest = &p[1..];
            }
            _ => return None,
        }
        out.extend(rest.iter().cloned());
        Some(out)
    };
    // Children of this file's module are reachable by their bare name.
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == Tok::Ident("use".into()) {
            // `pub use child::Item` states what the module offers, the way `mod child;` does:
            // it is no import of the child's (the item is resolved to the child where it is
            // used).
            let reexport = i > 0 && toks[i - 1] == Tok::Ident("pub".into());
            let (tree, next) = use_tree(toks, i + 1);
            for (path, name) in tree {
                let mut path = path;
                if reexport {
                    let mut child = file.module.clone();
                    child.push(path.first().cloned().unwrap_or_default());
                    let into_child = modules.contains(&child)
                        || (path.first().map(String::as_str) == Some("self")
                            && path.len() > 1
                            && modules
                                .contains(&[file.module.clone(), vec![path[1].clone()]].concat()));
                    if into_child {
                        continue;
                    }
                }
                if let Some(first) = path.first()
                    && !matches!(first.as_str(), "crate" | "self" | "super" | "yjb_return")
                {
                    let mut child = file.module.clone();
                    child.push(first.clone());
                    if modules.contains(&child) {
                        path.insert(0, "self".into());
                    }
                }
                if let Some(abs) = absolute(&path) {
                    if let Some(name) = name {
                        aliases.insert(name, abs.clone());
                    }
                    paths.push(abs);
                }
            }
            i = next;
            continue;
        }
        if let Tok::Ident(first) = &toks[i]
            && toks.get(i + 1) == Some(&Tok::Path)
            && (i == 0 || toks[i - 1] != Tok::Path)
        {
            let mut path = vec![first.clone()];
            let mut j = i + 1;
            while toks.get(j) == Some(&Tok::Path) {
                match toks.get(j + 1) {
                    Some(Tok::Ident(w)) => {
                        path.push(w.clone());
                        j += 2;
                    }
                    _ => break,
                }
            }
            let abs = match aliases.get(first) {
                Some(base) => {
                    let mut p = base.clone();
                    p.extend(path[1..].iter().cloned());
                    Some(p)
                }
                None => {
                    let mut child = file.module.clone();
                    child.push(first.clone());
                    if modules.contains(&child) {
                        let mut p = child;
                        p.extend(path[1..].iter().cloned());
                        Some(p)
                    } else {
                        absolute(&path)
                    }
                }
            };
            if let Some(abs) = abs {
                paths.push(abs);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    paths.into_iter().collect()
}

/// The module a path lands in: its longest prefix that is a module, followed through a `pub
/// use` of that module to the child that defines the item.
fn resolve(
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
    reexports: &BTreeMap<(Vec<String>, String), Vec<String>>,
) -> Option<Vec<String>> {
    let mut best = None;
    for n in (0..=path.len()).rev() {
        if modules.contains(&path[..n].to_vec()) {
            best = Some(n);
            break;
        }
    }
    let n = best?;
    let module = path[..n].to_vec();
    if let Some(item) = path.get(n)
        && let Some(target) = reexports.get(&(module.clone(), item.clone()))
    {
        return Some(target.clone());
    }
    Some(module)
}

/// `pub use child::Item` in a module: the item is defined in the child.
fn reexports(
    files: &[File],
    modules: &BTreeSet<Vec<String>>,
) -> BTreeMap<(Vec<String>, String), Vec<String>> {
    let mut out = BTreeMap::new();
    for f in files {
        let toks = &f.toks;
        for i in 0..toks.len() {
            if toks[i] == Tok::Ident("pub".into())
                && toks.get(i + 1) == Some(&Tok::Ident("use".into()))
            {
                let (tree, _) = use_tree(toks, i + 2);
                for (path, name) in tree {
                    let Some(name) = name else { continue };
                    let mut abs = f.module.clone();
                    let rest: &[String] = match path.first().map(String::as_str) {
                        Some("self") => &path[1..],
                        Some("crate") => {
                            abs.clear();
                            &path[1..]
                        }
                        _ => &path[..],
                    };
                    abs.extend(rest.iter().cloned());
                    let mut target = None;
                    for n in (0..abs.len()).rev() {
                        if modules.contains(&abs[..n].to_vec()) {
                            target = Some(abs[..n].to_vec());
                            break;
                        }
                    }
                    if let Some(t) = target
                        && t != f.module
                    {
                        out.insert((f.module.clone(), name), t);
                    }
                }
            }
        }
    }
    out
}

fn name(m: &[String]) -> String {
    if m.is_empty() {
        "crate root".into()
    } else {
        m.join("::")
    }
}

/// The file graph of one crate: module -> the modules of the same crate it imports.
fn graph(files: &[File]) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| f.module.clone()).collect();
    let re = reexports(files, &modules);
    let mut g = BTreeMap::new();
    for f in files {
        let mut to = BTreeSet::new();
        for p in imports(f, &modules) {
            if p.first().map(String::as_str) == Some("yjb_return") {
                continue;
            }
            if let Some(m) = resolve(&p, &modules, &re)
                && m != f.module
                && !m.is_empty()
            {
                to.insert(m);
            }
        }
        g.insert(f.module.clone(), to);
    }
    g
}

/// Every circle of the graph, as the modules on it (Tarjan's strongly connected components).
fn circles(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<String>> {
    struct State<'a> {
        g: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on: BTreeSet<&'a Vec<String>>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on.insert(v);
        for w in s.g.get(v).into_iter().flatten() {
            let Some((w, _)) = s.g.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on.remove(w);
                comp.push(name(w));
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

fn layer(m: &[String]) -> Option<usize> {
    let top = m.first()?;
    LAYERS.iter().position(|l| l.contains(&top.as_str()))
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn the_engine_imports_only_downward_and_has_no_circle() {
    let files = crate_files(&src().join("lib.rs"));
    let g = graph(&files);
    let mut wrong = Vec::new();
    for (from, tos) in &g {
        if from.is_empty() {
            continue;
        }
        let Some(lf) = layer(from) else {
            wrong.push(format!("{} is in no layer (add it to LAYERS)", name(from)));
            continue;
        };
        for to in tos {
            let Some(lt) = layer(to) else { continue };
            if lt > lf {
                wrong.push(format!(
                    "{} imports {}, a layer above it",
                    name(from),
                    name(to)
                ));
            }
        }
    }
    for c in circles(&g) {
        wrong.push(format!("circle: {}", c.join(" <-> ")));
    }
    assert!(
        wrong.is_empty(),
        "the engine's imports:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_engine_does_no_input_or_output() {
    let files = crate_files(&src().join("lib.rs"));
    let mut wrong = Vec::new();
    for f in &files {
        for (needle, what) in FORBIDDEN_IN_ENGINE {
            if mentions(&f.code, needle) {
                wrong.push(format!("{} uses {needle} ({what})", f.path.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "input or output in the engine:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn the_command_line_has_no_circle() {
    let files = crate_files(&src().join("main.rs"));
    let g = graph(&files);
    let c = circles(&g);
    assert!(c.is_empty(), "circles in the command line: {c:?}");
}

#[test]
fn the_reader_sees_what_it_should() {
    // Hand-made: a circle through `super`, a re-export, a use tree, an alias and a path in
    // code; a test module's import and a string's text are not imports.
    let toks = without_tests(lex(
        "use crate::{a::{b, c as d}, e};\nuse super::f::*;\nfn x() { g::h(); let s = \"crate::z::q\"; }\n#[cfg(test)]\nmod tests { use crate::y; fn t() { std::fs::read(\"x\"); } }\n",
    ));
    let code = code_of(&toks);
    assert!(
        !code.contains("crate::z") && !mentions(&code, "std::fs"),
        "{code}"
    );
    assert!(mentions("x=std::fs::read", "std::fs") && !mentions("let refs::a", "fs::"));
    assert!(!toks.contains(&Tok::Ident("y".into())));
    let (tree, _) = use_tree(&toks, 1);
    let tree: Vec<String> = tree
        .iter()
        .map(|(p, n)| format!("{}={:?}", p.join("::"), n))
        .collect();
    assert_eq!(
        tree,
        [
            "crate::a::b=Some(\"b\")",
            "crate::a::c=Some(\"d\")",
            "crate::e=Some(\"e\")"
        ]
    );
    let m = |s: &str| s.split("::").map(str::to_string).collect::<Vec<_>>();
    let mut g = BTreeMap::new();
    g.insert(m("a"), [m("b")].into_iter().collect::<BTreeSet<_>>());
    g.insert(m("b"), [m("c")].into_iter().collect());
    g.insert(m("c"), [m("a")].into_iter().collect());
    g.insert(m("d"), [m("a")].into_iter().collect());
    assert_eq!(
        circles(&g),
        vec![vec!["a".to_string(), "b".into(), "c".into()]]
    );
}

/// The command line's files that may hold more than [`MAX_LINES`] lines of code besides their
/// tests, each with the reason written at its top. None does.
const LONG_FILES: &[&str] = &[];

/// About as much as one concern needs: a file longer than this is split by concern.
const MAX_LINES: usize = 500;

#[test]
fn the_command_line_files_stay_small() {
    let mut long = Vec::new();
    for f in crate_files(&src().join("main.rs")) {
        let text = std::fs::read_to_string(&f.path).unwrap();
        // Tests come last, from the file's `#[cfg(test)]` module on.
        let lines = text.lines().take_while(|l| *l != "#[cfg(test)]").count();
        let name = f.path.strip_prefix(src()).unwrap().display().to_string();
        if lines > MAX_LINES && !LONG_FILES.contains(&name.as_str()) {
            long.push(format!("{name}: {lines} lines"));
        }
    }
    assert!(
        long.is_empty(),
        "split by concern, or write at the file's top why it is longer and list it in \
         LONG_FILES:\n  {}",
        long.join("\n  ")
    );
}
