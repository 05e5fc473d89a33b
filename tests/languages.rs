//! French, Dutch and German postings with the default lexicon: native vocabulary,
//! context cues, gender tags, section headings and the per-language report.
//!
//! The postings (`tests/data/lang-*.txt`, and the short texts below) are
//! invented for these tests.

use crate::util::{data_path, Workdir};
use serde_json::Value;

/// `popm check --json` on one of the `tests/data/lang-*.txt` postings.
fn check_fixture(name: &str) -> Value {
    let path = data_path(name);
    let r = Workdir::new().run(&["check", "--json", "-f", &path]);
    r.expect_code(0);
    r.json()
}

/// `popm check --json TEXT`.
fn check_text(text: &str) -> Value {
    let r = Workdir::new().run(&["check", "--json", text]);
    r.expect_code(0);
    r.json()
}

fn evidence(v: &Value) -> &Vec<Value> {
    v["evidence"]
        .as_array()
        .unwrap_or_else(|| panic!("no evidence array: {v}"))
}

/// The evidence item whose match covers `text` (as written in the posting, any case).
fn evidence_for<'a>(v: &'a Value, text: &str) -> &'a Value {
    evidence(v)
        .iter()
        .find(|e| {
            e["matches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["text"].as_str().unwrap().eq_ignore_ascii_case(text))
        })
        .unwrap_or_else(|| panic!("no match for {text:?}: {v}"))
}

/// The marks of every match of the evidence item that covers `text`.
fn marks_of(v: &Value, text: &str) -> Vec<String> {
    evidence_for(v, text)["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mark"].as_str().unwrap().to_string())
        .collect()
}

/// The categories of `role` with evidence that counts (a contribution above zero).
fn counted_categories(v: &Value, role: &str) -> Vec<String> {
    let mut cats: Vec<String> = evidence(v)
        .iter()
        .filter(|e| e["role"] == role && e["contribution"].as_f64().unwrap() > 0.0)
        .map(|e| e["category"].as_str().unwrap().to_string())
        .collect();
    cats.sort();
    cats.dedup();
    cats
}

fn score(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing: {v}"))
}

/// A PO posting: labelled product_owner, with PO evidence from several
/// categories in the posting's own words and none for PM.
fn assert_po_posting(name: &str, native: &[&str]) {
    let v = check_fixture(name);
    assert_eq!(v["label"], "product_owner", "{name}: {v}");
    assert_eq!(score(&v, "pm_score"), 0.0, "{name}: {v}");
    for text in native {
        let e = evidence_for(&v, text);
        assert_eq!(e["role"], "po", "{name}: {text:?} counts for PO: {v}");
        assert!(
            e["contribution"].as_f64().unwrap() > 0.0,
            "{name}: {text:?}: {v}"
        );
    }
    let cats = counted_categories(&v, "po");
    for want in ["backlog", "user-stories", "acceptance", "agile-ceremonies"] {
        assert!(
            cats.iter().any(|c| c == want),
            "{name}: no {want}: {cats:?}"
        );
    }
}

/// A PM posting: labelled product_manager, with PM evidence from the strategy
/// side (vision, roadmap, market, pricing, go-to-market) and none for PO.
fn assert_pm_posting(name: &str, native: &[&str]) {
    let v = check_fixture(name);
    assert_eq!(v["label"], "product_manager", "{name}: {v}");
    assert_eq!(score(&v, "po_score"), 0.0, "{name}: {v}");
    for text in native {
        let e = evidence_for(&v, text);
        assert_eq!(e["role"], "pm", "{name}: {text:?} counts for PM: {v}");
        assert!(
            e["contribution"].as_f64().unwrap() > 0.0,
            "{name}: {text:?}: {v}"
        );
    }
    let cats = counted_categories(&v, "pm");
    for want in [
        "vision",
        "strategy",
        "roadmap",
        "market-research",
        "pricing",
        "go-to-market",
    ] {
        assert!(
            cats.iter().any(|c| c == want),
            "{name}: no {want}: {cats:?}"
        );
    }
}

#[test]
fn french_product_owner_posting() {
    assert_po_posting(
        "lang-fr-po.txt",
        &[
            "priorisez le backlog",
            "récits utilisateurs",
            "critères d'acceptation",
            "affinage du backlog",
            "planification de sprint",
            "revue de sprint",
            "équipe de développement",
        ],
    );
}

#[test]
fn french_product_manager_posting() {
    assert_pm_posting(
        "lang-fr-pm.txt",
        &[
            "chef de produit",
            "vision produit",
            "stratégie produit",
            "construire la feuille de route",
            "études de marché",
            "analyse concurrentielle",
            "tarification",
            "mise sur le marché",
            "compte de résultat",
        ],
    );
}

#[test]
fn dutch_product_owner_posting() {
    assert_po_posting(
        "lang-nl-po.txt",
        &[
            "productbacklog",
            "gebruikersverhalen",
            "acceptatiecriteria",
            "verfijning",
            "sprintplanning",
            "sprintreview",
            "ontwikkelteam",
        ],
    );
}

#[test]
fn dutch_product_manager_posting() {
    assert_pm_posting(
        "lang-nl-pm.txt",
        &[
            "productmanager",
            "productvisie",
            "productstrategie",
            "productroadmap",
            "marktonderzoek",
            "concurrentieanalyse",
            "prijsstrategie",
            "marktintroductie",
            "winst-en-verliesrekening",
        ],
    );
}

#[test]
fn german_postings() {
    assert_po_posting(
        "lang-de-po.txt",
        &["product backlog", "akzeptanzkriterien", "entwicklungsteam"],
    );
    assert_pm_posting(
        "lang-de-pm.txt",
        &[
            "produktvision",
            "verantwortest die roadmap",
            "preisstrategie",
        ],
    );
}

#[test]
fn french_and_dutch_gender_tags_mark_the_advertised_role() {
    for (text, role_name) in [
        (
            "Chef de produit (H/F)\nVous définissez la vision produit.",
            "Chef de produit",
        ),
        (
            "Cheffe de produit F/H\nVous définissez la vision produit.",
            "Cheffe de produit",
        ),
        (
            "Product Owner (F/H)\nVous gérez le backlog produit.",
            "Product Owner",
        ),
        (
            "Productmanager (m/v/x)\nJe bepaalt de productvisie.",
            "Productmanager",
        ),
        (
            "Product Owner (m/v)\nJe beheert de productbacklog.",
            "Product Owner",
        ),
    ] {
        let v = check_text(text);
        assert_eq!(marks_of(&v, role_name), ["self"], "{text}: {v}");
    }
}

#[test]
fn french_colleague_role_name_does_not_count() {
    let text =
        "En tant que Product Owner, vous travaillez en collaboration avec le chef de produit \
                sur le backlog produit.";
    let v = check_text(text);
    assert_eq!(marks_of(&v, "chef de produit"), ["colleague"], "{v}");
    let chef = evidence_for(&v, "chef de produit");
    assert_eq!(chef["role"], "pm");
    assert_eq!(chef["contribution"].as_f64(), Some(0.0), "{v}");
    assert_eq!(marks_of(&v, "Product Owner"), ["self"], "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
    assert_eq!(v["label"], "product_owner", "{v}");

    // Other French colleague cues: reporting lines and working alongside.
    for text in [
        "Vous êtes rattaché(e) au responsable produit.",
        "Vous travaillerez avec la cheffe de produit.",
        "Vous serez sous la responsabilité du chef de produit.",
        "Vous intervenez aux côtés du chef de produit.",
    ] {
        let v = check_text(text);
        let e = evidence(&v)
            .iter()
            .find(|e| e["category"] == "role-name")
            .unwrap_or_else(|| panic!("{text}: no role name: {v}"));
        let marks: Vec<&Value> = e["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| &m["mark"])
            .collect();
        assert_eq!(marks, ["colleague"], "{text}: {v}");
    }
}

#[test]
fn dutch_colleague_role_name_does_not_count() {
    let text = "Als Product Owner werk je samen met de productmanager aan de productbacklog.";
    let v = check_text(text);
    assert_eq!(marks_of(&v, "productmanager"), ["colleague"], "{v}");
    assert_eq!(
        evidence_for(&v, "productmanager")["contribution"].as_f64(),
        Some(0.0),
        "{v}"
    );
    assert_eq!(marks_of(&v, "Product Owner"), ["self"], "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
    assert_eq!(v["label"], "product_owner", "{v}");

    let v = check_text("Je rapporteert aan de productmanager van het platform.");
    assert_eq!(marks_of(&v, "productmanager"), ["colleague"], "{v}");
    let v = check_text("Wij zoeken een productmanager voor ons platform.");
    assert_eq!(marks_of(&v, "productmanager"), ["self"], "{v}");
}

#[test]
fn french_and_dutch_negations_cancel_a_phrase() {
    let v = check_text(
        "Vous gérez le backlog produit. Le poste ne comporte pas de gestion de la feuille de route.",
    );
    assert_eq!(
        marks_of(&v, "gestion de la feuille de route"),
        ["negated"],
        "{v}"
    );
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
    assert!(score(&v, "po_score") > 0.0, "{v}");

    let v =
        check_text("Je beheert de productbacklog. Geen marktonderzoek, niet de prijsstrategie.");
    assert_eq!(marks_of(&v, "marktonderzoek"), ["negated"], "{v}");
    assert_eq!(marks_of(&v, "prijsstrategie"), ["negated"], "{v}");
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
}

#[test]
fn french_and_dutch_company_blurbs_do_not_count() {
    let cases = [
        (
            "Nous sommes le leader du marché : une vision produit forte, une étude de marché \
             chaque année.",
            "Vos missions\n- Vous gérez le backlog produit et rédigez les récits utilisateurs.",
            &["Qui sommes-nous", "À propos de nous", "L'entreprise"][..],
        ),
        (
            "Wij zijn marktleider met een heldere productvisie en doen elk jaar marktonderzoek.",
            "Jouw taken\n- Je beheert de productbacklog en schrijft gebruikersverhalen.",
            &["Over ons", "Wie zijn wij", "Over het bedrijf"][..],
        ),
    ];
    for (blurb, job, headings) in cases {
        // Control: without a heading the blurb's PM phrases count.
        let v = check_text(&format!("{blurb}\n\n{job}"));
        assert!(score(&v, "pm_score") > 0.0, "{blurb}: {v}");
        for heading in headings {
            let text = format!("{heading}\n{blurb}\n\n{job}");
            let v = check_text(&text);
            assert_eq!(score(&v, "pm_score"), 0.0, "{heading}: {v}");
            assert!(score(&v, "po_score") > 0.0, "{heading}: {v}");
            assert_eq!(v["label"], "product_owner", "{heading}: {v}");
        }
    }
}

#[test]
fn french_and_dutch_legal_statements_do_not_count() {
    let job = "Vos missions\n- Vous gérez le backlog produit.\n";
    let v = check_text(&format!(
        "{job}Dans le respect de l'égalité des chances, nous étudions la vision produit de chaque candidat."
    ));
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
    let v = check_text(
        "Jouw taken\n- Je beheert de productbacklog.\nWij bieden gelijke kansen, ongeacht je productvisie.",
    );
    assert_eq!(score(&v, "pm_score"), 0.0, "{v}");
}

#[test]
fn eval_reports_french_dutch_and_german_separately() {
    let wd = Workdir::new();
    wd.copy_data("lang-labeled.csv");
    let r = wd.run(&["eval", "lang-labeled.csv", "--label-col", "label", "--json"]);
    r.expect_code(0);
    let v = r.json();
    let langs = v["languages"]
        .as_object()
        .unwrap_or_else(|| panic!("no languages: {v}"));
    let mut keys: Vec<&str> = langs.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["de", "fr", "nl"], "{v}");
    for (lang, report) in langs {
        assert_eq!(report["rows"], 2, "{lang}: {report}");
        assert_eq!(report["accuracy"].as_f64(), Some(1.0), "{lang}: {report}");
    }
}
