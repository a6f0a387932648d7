//! Figures typed over after the build, and what each one explains.
//!
//! One figure changed in `return.xlsx` (the prevention cohort, say) gives a score of findings:
//! the `all` column no longer sums, every percentage over that cohort is off, every repeat of
//! the cohort on the KPI sheets disagrees with it, and the figure differs from `return.xml`
//! and `return.json`. Listed flat, the root cause comes last and several findings point at
//! cells that are right. Here the edited figure is found by comparing each file with the files
//! of the same return that hold the built figures, and its consequences are the findings that
//! vanish when that one figure is put back: a counterfactual, so no rule needs to know which
//! codes another rule involves.

use crate::audit::check::Document;
use crate::validate::Finding;
use crate::write::manifest::Manifest;
use crate::write::workbook::Place;

/// The most edits whose consequences are worked out one by one (each costs a check of the
/// return); beyond, the findings are listed as they come.
const MAX_EDITS: usize = 30;

/// A figure of one file that is not the figure built, as the files holding the built figures
/// show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Edit {
    /// The edited file, as given.
    pub file: String,
    /// Whole, since the edit is put back by it; shown [`cut`](crate::text::cut).
    #[serde(serialize_with = "crate::text::serialize")]
    pub code: String,
    /// The cell, in a workbook (`Cohort!B5`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub value: i64,
    pub built: i64,
    /// The files holding the built figure.
    pub built_in: Vec<String>,
    /// Whether the manifest shows those files are as built (otherwise they merely agree).
    pub as_built: bool,
    /// Where the edit's own finding is in the reordered findings.
    pub finding: usize,
    /// Where the findings that follow from it are.
    pub consequences: Vec<usize>,
    #[serde(skip)]
    place: Option<Place>,
    /// The cell is a repeat of a figure shown first elsewhere in the workbook.
    #[serde(skip)]
    repeat: bool,
}

/// The built value of each figure, as the files other than `doc` hold it: those the manifest
/// records as built when `doc` is not, or, without that word from the manifest, two or more
/// files that agree. `None` when nothing can be trusted over `doc`.
fn trusted<'a>(
    doc: &Document,
    others: &'a [Document],
    manifest: Option<&(String, Manifest)>,
) -> Option<(Vec<&'a Document>, bool)> {
    use crate::audit::check::as_built;
    match as_built(doc, manifest) {
        Some(true) => None,
        Some(false) => {
            let built: Vec<&Document> = others
                .iter()
                .filter(|o| as_built(o, manifest) == Some(true))
                .collect();
            (!built.is_empty()).then_some((built, true))
        }
        None => (others.len() >= 2).then(|| (others.iter().collect(), false)),
    }
}

/// The figure every trusted file holds for `code`, when they all hold the same.
fn agreed(sources: &[&Document], code: &str) -> Option<i64> {
    let first = sources.first()?.ret.measures.get(code)?;
    sources
        .iter()
        .all(|d| d.ret.measures.get(code) == Some(first))
        .then_some(first)
}

/// Every figure of `doc` that differs from the built one, first showings and repeats alike.
fn edits_of(
    doc: &Document,
    others: &[Document],
    manifest: Option<&(String, Manifest)>,
) -> Vec<Edit> {
    let Some((sources, as_built)) = trusted(doc, others, manifest) else {
        return Vec::new();
    };
    let built_in: Vec<String> = sources.iter().map(|d| d.file.clone()).collect();
    let edit = |code: &str, value: i64, built: i64, place: Option<&Place>, repeat: bool| Edit {
        file: doc.file.clone(),
        code: code.to_string(),
        cell: place.map(Place::reference),
        value,
        built,
        built_in: built_in.clone(),
        as_built,
        finding: 0,
        consequences: Vec::new(),
        place: place.cloned(),
        repeat,
    };
    let mut out = Vec::new();
    for (code, value) in doc.ret.measures.iter() {
        if let Some(built) = agreed(&sources, code)
            && built != value
        {
            out.push(edit(code, value, built, doc.place(code), false));
        }
    }
    for c in &doc.conflicts {
        if let Some(built) = agreed(&sources, &c.code)
            && built != c.value
        {
            out.push(edit(&c.code, c.value, built, Some(&c.place), true));
        }
    }
    out
}

/// `doc` with one edit put back: the figure as built, and the repeats that then agree with it
/// no longer in conflict.
fn repaired(doc: &Document, e: &Edit) -> Document {
    let mut d = doc.clone();
    if e.repeat {
        d.conflicts
            .retain(|c| !(c.code == e.code && Some(&c.place) == e.place.as_ref()));
    } else {
        d.ret.measures.replace(&e.code, e.built);
        d.conflicts
            .retain(|c| !(c.code == e.code && c.value == e.built));
        for c in d.conflicts.iter_mut().filter(|c| c.code == e.code) {
            c.first_value = e.built;
        }
    }
    d
}

/// The findings in `all` that are not in `without` (each found once).
fn vanished(all: &[Finding], without: &[Finding]) -> Vec<usize> {
    let mut left: Vec<&Finding> = without.iter().collect();
    let mut out = Vec::new();
    for (i, f) in all.iter().enumerate() {
        match left.iter().position(|g| *g == f) {
            Some(k) => {
                left.swap_remove(k);
            }
            None => out.push(i),
        }
    }
    out
}

/// The edit's own finding, in place of the C401s that compared its cell with each other file.
fn headline(e: &Edit, doc: &Document) -> Finding {
    let files = crate::text::list(&e.built_in, 3);
    let what = e
        .cell
        .clone()
        .unwrap_or_else(|| crate::text::cut(&e.code).into_owned());
    let message = if e.as_built {
        format!(
            "{what} was changed after the build: {}, built as {} ({files} {} {}); put {} back, \
             or build the return again",
            e.value,
            e.built,
            if e.built_in.len() == 1 {
                "holds"
            } else {
                "hold"
            },
            e.built,
            e.built
        )
    } else {
        format!(
            "{what} is {} but {} in {files}, which agree: it was most likely typed over",
            e.value, e.built
        )
    };
    crate::audit::check::finding_at(
        "C401",
        &doc.file,
        e.place.as_ref(),
        Some(&e.code),
        Some(e.value.to_string()),
        message,
    )
}

/// Finds the figures edited after the build in each document (compared with the other files
/// of its return, given beside it), and reorders `findings` so that each edit's own finding
/// leads, the findings that follow from it under it, then the rest as they were. `recheck`
/// gives the findings of the return with one document (by position) replaced by another.
pub fn explain(
    docs: &[(Document, Vec<Document>)],
    manifest: Option<&(String, Manifest)>,
    findings: Vec<Finding>,
    recheck: impl Fn(usize, &Document) -> Vec<Finding>,
) -> (Vec<Finding>, Vec<Edit>) {
    let mut edits = Vec::new();
    for (i, (doc, others)) in docs.iter().enumerate() {
        edits.extend(edits_of(doc, others, manifest).into_iter().map(|e| (i, e)));
    }
    if edits.is_empty() || edits.len() > MAX_EDITS {
        return (findings, Vec::new());
    }
    let mut claimed = vec![false; findings.len()];
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for (i, mut e) in edits {
        let doc = &docs[i].0;
        let gone = vanished(&findings, &recheck(i, &repaired(doc, &e)));
        let location = e
            .place
            .as_ref()
            .map(|p| format!("{}:{}", doc.file, p.reference()));
        let own = |f: &Finding| {
            f.code == "C401"
                && f.column.as_deref() == Some(e.code.as_str())
                && f.sheet.as_deref().is_some_and(|s| s.starts_with(&doc.file))
                && (location.is_none() || f.location == location)
        };
        let mut under = Vec::new();
        for i in gone {
            if claimed[i] {
                continue;
            }
            claimed[i] = true;
            if !own(&findings[i]) {
                under.push(i);
            }
        }
        e.finding = out.len();
        out.push(headline(&e, doc));
        for i in under {
            e.consequences.push(out.len());
            out.push(findings[i].clone());
        }
        kept.push(e);
    }
    // "Not the file the manifest records, though its figures agree" (C402) is said of a file
    // only to explain a re-save; of a file with a figure typed over, the edit says it.
    let edited: Vec<&str> = kept.iter().map(|e| e.file.as_str()).collect();
    for (i, f) in findings.into_iter().enumerate() {
        let resaved = f.code == "C402" && f.sheet.as_deref().is_some_and(|s| edited.contains(&s));
        if !claimed[i] && !resaved {
            out.push(f);
        }
    }
    (out, kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::{Measures, Return};
    use crate::write::workbook::Conflict;

    fn doc(file: &str, figures: &[(&str, i64)]) -> Document {
        let mut m = Measures::new();
        for (c, v) in figures {
            m.set(*c, *v);
        }
        let mut ret = crate::write::xml::tests::sample();
        ret.measures = m;
        Document {
            sha256: file.to_string(),
            ..Document::of(file, Return { ..ret })
        }
    }

    fn cell(row: u32, col: u32) -> Place {
        Place {
            sheet: "Cohort".into(),
            row,
            col,
        }
    }

    #[test]
    fn a_figure_differing_from_two_agreeing_files_is_the_edit() {
        let mut xlsx = doc("r/return.xlsx", &[("a.p", 10), ("a.all", 44)]);
        xlsx.places = vec![("a.p".into(), cell(5, 1)), ("a.all".into(), cell(5, 5))];
        let xml = doc("r/return.xml", &[("a.p", 9), ("a.all", 44)]);
        let json = doc("r/return.json", &[("a.p", 9), ("a.all", 44)]);
        let found = edits_of(&xlsx, &[xml.clone(), json.clone()], None);
        assert_eq!(found.len(), 1);
        let e = &found[0];
        assert_eq!((e.code.as_str(), e.value, e.built), ("a.p", 10, 9));
        assert_eq!(e.cell.as_deref(), Some("Cohort!B5"));
        assert!(!e.as_built, "no manifest: the others only agree");
        // With one other file and no manifest nothing can be trusted over the workbook.
        assert!(edits_of(&xlsx, &[xml], None).is_empty());
    }

    #[test]
    fn a_repeat_typed_over_is_an_edit_of_its_own_cell() {
        let mut xlsx = doc("r/return.xlsx", &[("a.p", 9)]);
        xlsx.places = vec![("a.p".into(), cell(5, 1))];
        let repeat = Place {
            sheet: "KPI1".into(),
            row: 5,
            col: 1,
        };
        xlsx.conflicts = vec![Conflict {
            code: "a.p".into(),
            place: repeat.clone(),
            value: 7,
            first: cell(5, 1),
            first_value: 9,
        }];
        let others = [
            doc("r/return.xml", &[("a.p", 9)]),
            doc("r/return.json", &[("a.p", 9)]),
        ];
        let found = edits_of(&xlsx, &others, None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].cell.as_deref(), Some("KPI1!B5"));
        assert!(repaired(&xlsx, &found[0]).conflicts.is_empty());
    }

    #[test]
    fn putting_the_first_showing_back_settles_the_repeats_that_agree_with_the_build() {
        let mut xlsx = doc("r/return.xlsx", &[("a.p", 10)]);
        xlsx.places = vec![("a.p".into(), cell(5, 1))];
        let conflict = |row: u32, value: i64| Conflict {
            code: "a.p".into(),
            place: Place {
                sheet: "KPI".into(),
                row,
                col: 1,
            },
            value,
            first: cell(5, 1),
            first_value: 10,
        };
        xlsx.conflicts = vec![conflict(5, 9), conflict(6, 8)];
        let e = &edits_of(
            &xlsx,
            &[doc("x.xml", &[("a.p", 9)]), doc("x.json", &[("a.p", 9)])],
            None,
        )[0];
        let fixed = repaired(&xlsx, e);
        assert_eq!(fixed.ret.measures.get("a.p"), Some(9));
        assert_eq!(
            fixed.conflicts.len(),
            1,
            "the repeat typed over to 8 remains"
        );
        assert_eq!(fixed.conflicts[0].first_value, 9);
    }

    #[test]
    fn the_edit_leads_with_what_vanishes_when_it_is_put_back_under_it() {
        use crate::audit::check::{finding, finding_in};
        let mut xlsx = doc("r/return.xlsx", &[("a.p", 10), ("b.x", 1)]);
        xlsx.places = vec![("a.p".into(), cell(5, 1))];
        let others = vec![
            doc("r/return.xml", &[("a.p", 9), ("b.x", 1)]),
            doc("r/return.json", &[("a.p", 9), ("b.x", 1)]),
        ];
        let own = |other: &str| {
            finding_in(
                "C401",
                "r/return.xlsx",
                &cell(5, 1),
                Some("a.p"),
                Some("10".into()),
                format!("a.p is 10 here but 9 in {other}"),
            )
        };
        let sum = finding(
            "C301",
            "r/return.xlsx",
            None,
            Some("a.all"),
            None,
            "sum".into(),
        );
        let other = finding(
            "C203",
            "r/return.xlsx",
            None,
            Some("b.x"),
            None,
            "neg".into(),
        );
        let findings = vec![
            other.clone(),
            own("r/return.xml"),
            sum.clone(),
            own("r/return.json"),
        ];
        let (out, edits) = explain(&[(xlsx, others)], None, findings, |i, fixed| {
            assert_eq!(i, 0);
            assert_eq!(fixed.ret.measures.get("a.p"), Some(9));
            vec![other.clone()]
        });
        assert_eq!(edits.len(), 1);
        assert_eq!(
            (edits[0].finding, edits[0].consequences.clone()),
            (0, vec![1])
        );
        assert_eq!(
            out.len(),
            3,
            "the two comparisons of the cell become one: {out:?}"
        );
        assert!(
            out[0]
                .message
                .starts_with("Cohort!B5 is 10 but 9 in r/return.xml and r/return.json")
        );
        assert_eq!(out[1], sum);
        assert_eq!(out[2], other);
    }

    #[test]
    fn vanished_counts_each_finding_once() {
        let f = |code: &str| crate::audit::check::finding(code, "f", None, None, None, "m".into());
        let all = [f("C301"), f("C301"), f("C302")];
        assert_eq!(vanished(&all, &[f("C301")]), [1, 2]);
        assert_eq!(vanished(&all, &all), Vec::<usize>::new());
    }
}
