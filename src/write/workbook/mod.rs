//! `return.xlsx`, the return for people: a cover naming the return, then one sheet per KPI
//! section laid out by the template (`templates/<version>/return-layout.json`).
//!
//! One sheet per section, because each prints on its own A4 landscape page and a board member
//! can go straight to the KPI they care about. Every figure is a value, never a formula, so
//! any reader (and `check`) sees the number. The measure code sits in the last column of each
//! row so the figures can be read back by code; a percentage row shows `numerator /
//! denominator`. On a sheet with a column per group the code shown is the All column's real
//! code (`kpi1.all.suitable`), never the spec's `GROUP` placeholder, and a footnote says that
//! each other column has its group in place of `all`; the reader does the same.
//!
//! The cover is written for people and read back exactly: the population is a number cell
//! shown with a thousands separator, the generation time as `29 Nov 2026 10:21:05 UTC`.
//!
//! The writer ([`writer`], in the formats of [`style`]) and the reader `check` uses
//! (`reader`, over the cells of `cells`) share what the workbook says and how: the cover's
//! rows, its Status and its time (`cover`) and the measure codes as the sheets show them
//! (`codes`), so the two cannot drift apart; a test here writes and reads back every figure.

mod cells;
mod codes;
mod cover;
mod error;
mod reader;
pub mod style;
pub mod writer;

pub use error::{ReadError, WriteError};
pub use reader::{Conflict, Place, ReadBack, Shown, read_workbook};
pub use writer::return_workbook;

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{Reader, Xlsx};

    use super::cells::{Value, read_cells};
    use super::codes::codes_note;
    use super::cover::POPULATION;
    use super::writer::BLANK_NOTE;
    use super::*;
    use crate::definitions::{Definitions, Source};
    use crate::export::records::Export;
    use crate::kpi::{Codes, compute};
    use crate::measures::{Measures, Return};
    use crate::names::COVER;
    use crate::write::template::{GROUP, Layout};

    fn full() -> (Return, Layout) {
        let defs = Definitions::latest(&Source::Embedded).unwrap();
        let layout = Layout::load(&defs).unwrap();
        let mut ret = crate::write::xml::tests::sample();
        let mut m = compute(
            &Export::default(),
            ret.identity.period,
            &Codes::from_definitions(&defs),
        );
        // Non-zero, consistent figures for the percentages to show.
        let mut edited = Measures::new();
        for (code, v) in m.iter() {
            let v = match code {
                "cohort.community.children" | "cohort.all.children" => 4,
                "kpi1.community.suitable" | "kpi1.all.suitable" => 3,
                "kpi1.community.type.parents" | "kpi1.all.type.parents" => 4,
                "kpi2.community.status.neet" | "kpi2.all.status.neet" => 4,
                "kpi7.meetings" => 2,
                "kpi9.children" => 3,
                "reoffending.cohort" => 10,
                "reoffending.reoffenders" => 4,
                "reoffending.reoffences" => 9,
                _ => v,
            };
            edited.set(code, v);
        }
        edited.set("kpi7.pcc.attended", 1);
        edited.set("kpi7.pcc.senior", 0);
        edited.set("kpi7.pcc.disproportionality_data", 1);
        m = edited;
        ret.measures = m;
        (ret, layout)
    }

    #[test]
    fn reads_back_every_figure_and_percentage() {
        let (ret, layout) = full();
        let bytes = return_workbook(
            &ret,
            &layout,
            &["W316 at Interventions row 7: truly suitable".into()],
        )
        .unwrap();
        let back = read_workbook(&bytes).unwrap();
        assert_eq!(back.ret, ret);
        let shown = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi1.community.suitable")
            .unwrap();
        assert!((shown.value.unwrap() - 0.75).abs() < 1e-9);
        assert_eq!(shown.per, 100.0);
        let empty = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi1.custody.suitable")
            .unwrap();
        assert_eq!(empty.value, None, "zero denominator leaves the cell empty");
        let (_, place) = back
            .places
            .iter()
            .find(|(c, _)| c == "kpi7.pcc.attended")
            .unwrap();
        assert_eq!(place.sheet, "KPI7 Management board");
        assert!(place.row > 4);
        assert_eq!(place.col, 1, "the Value column, B");
        let (_, place) = back
            .places
            .iter()
            .find(|(c, _)| c == "kpi1.community.suitable")
            .unwrap();
        assert_eq!(place.reference(), "'KPI1 Accommodation'!D6");
        // Partners without rows are not shown.
        assert!(back.ret.measures.get("kpi7.courts.attended").is_none());
        // Rates and ratios are read back too: 3 children per 10,000 of 48,210; 9 ÷ 4.
        let rate = back
            .shown
            .iter()
            .find(|p| p.numerator == "kpi9.children")
            .unwrap();
        assert_eq!((rate.denominator.as_deref(), rate.per), (None, 10_000.0));
        assert!((rate.value.unwrap() - 3.0 * 10_000.0 / 48_210.0).abs() < 1e-9);
        let ratio = back
            .shown
            .iter()
            .find(|p| p.numerator == "reoffending.reoffences")
            .unwrap();
        assert_eq!(
            ratio.denominator.as_deref(),
            Some("reoffending.reoffenders")
        );
        assert!((ratio.value.unwrap() - 2.25).abs() < 1e-9);
    }

    #[test]
    fn the_cover_and_the_codes_read_as_people_write_them_and_back_exactly() {
        let (mut ret, layout) = full();
        ret.identity.generated_at = "2026-11-29T10:21:05Z".into();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let mut wb = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
        let cover = read_cells(&mut wb, COVER).unwrap();
        let value = |label: &str| {
            cover
                .values()
                .find(|row| row.get(&0) == Some(&Value::Text(label.into())))
                .and_then(|row| row.get(&1).cloned())
                .unwrap()
        };
        assert_eq!(value(POPULATION), Value::Number(48_210.0));
        assert_eq!(
            value("Generated at"),
            Value::Text("29 Nov 2026 10:21:05 UTC".into())
        );
        let kpi1 = read_cells(&mut wb, "KPI1 Accommodation").unwrap();
        let texts: Vec<String> = kpi1
            .values()
            .flat_map(|row| row.values().map(Value::text))
            .collect();
        assert!(
            texts.contains(&"kpi1.all.suitable".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"kpi1.all.suitable / cohort.all.children".to_string()));
        assert!(texts.contains(&BLANK_NOTE.to_string()));
        assert!(texts.contains(&codes_note(&layout)), "{texts:?}");
        for name in wb.sheet_names() {
            for row in read_cells(&mut wb, &name).unwrap().values() {
                for cell in row.values() {
                    assert!(!cell.text().contains(GROUP), "{name}: {}", cell.text());
                }
            }
        }
        // KPI 9 has no group columns: no note on codes.
        let kpi9 = read_cells(&mut wb, "KPI9 Serious violence").unwrap();
        assert!(
            !kpi9
                .values()
                .flat_map(|row| row.values())
                .any(|c| c.text().starts_with("Measure codes are"))
        );
        assert_eq!(read_workbook(&bytes).unwrap().ret, ret);
    }

    #[test]
    fn the_same_return_gives_the_same_bytes() {
        let (ret, layout) = full();
        let a = return_workbook(&ret, &layout, &[]).unwrap();
        let b = return_workbook(&ret, &layout, &[]).unwrap();
        assert_eq!(a, b);
        let mut later = ret.clone();
        later.identity.generated_at = "2024-10-22T09:30:00Z".into();
        assert_ne!(return_workbook(&later, &layout, &[]).unwrap(), a);
    }

    #[test]
    fn no_child_identifier_and_names_with_ampersands_are_safe() {
        let (mut ret, layout) = full();
        ret.identity.yjs_name = "Smith & Jones \u{B}YJS".into();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let back = read_workbook(&bytes).unwrap();
        assert_eq!(back.ret.identity.yjs_name, "Smith & Jones YJS");
    }

    #[test]
    fn a_damaged_return_workbook_is_advised_to_be_rebuilt_not_exported_again() {
        let (ret, layout) = full();
        let bytes = return_workbook(&ret, &layout, &[]).unwrap();
        let damaged = [
            bytes[..bytes.len() / 2].to_vec(),
            b"not a workbook".to_vec(),
            b"PK\x05\x06".to_vec(),
        ];
        for bytes in damaged {
            let said = read_workbook(&bytes).unwrap_err().to_string();
            assert!(said.starts_with("not a return workbook: "), "{said}");
            assert!(said.contains("build the return again"), "{said}");
            assert!(!said.contains("export the caseload"), "{said}");
        }
    }
}
