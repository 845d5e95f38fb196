"""The judged query set of the relevance benchmark (bench_relevance.py), over the demo content.

Each query names the language of the search and what a person typing it wants: the keys of the
service templates of cms/demo/data/service_templates.json (a service of that template in any
comune is relevant) and, as ``guideline:<slug>``, guideline pages. Queries carry typos, inflected
forms (plural, case endings), articles and elisions, and a word no record uses beside one that
matches, as people type them.

The judgements were written from the template texts by hand, before the relevance work, and are
not tuned to the engine's answers: a relevant record is one a person would be glad to find. The
benchmark refuses a query none of whose relevant records is in the demo content.
"""

HOUSING = {"sportello-casa", "housing-sociale", "agenzia-abitare", "emergenza-abitativa", "guideline:casa"}
ITALIAN = {
    "corso-alfabetizzazione",
    "corso-a2-b1",
    "italiano-donne",
    "italiano-lavoro",
    "conversazione",
    "italiano-l2-ragazzi",
    "guideline:corsi-di-italiano",
}
WORK = {
    "orientamento-lavoro",
    "tirocini",
    "corsi-professionali",
    "sportello-lavoro-donne",
    "italiano-lavoro",
    "riconoscimento-titoli",
    "guideline:lavoro-e-formazione",
}
MEDIATION = {
    "mediazione-scuola",
    "mediazione-sanitaria",
    "mediazione-servizi",
    "mediazione-comunitaria",
    "abitare-insieme",
    "interpretariato",
    "guideline:mediazione",
}
DOCTOR = {"iscrizione-ssn", "ambulatorio-solidale", "accompagnamento-sanitario"}
SCHOOL = {"iscrizione-scuola", "mediazione-scuola", "orientamento-superiori", "doposcuola", "italiano-l2-ragazzi"}
SCHOOL |= {"guideline:minori-e-scuola"}
FAMILY = {"centro-famiglia", "gruppi-genitori", "tempo-libero-famiglie", "ricongiungimento", "spazio-gioco"}
FAMILY |= {"guideline:genitorialita-e-famiglia"}
DEBT = {"sportello-debiti"}
LEGAL = {"consulenza-legale"}
CITIZENSHIP = {"cittadinanza"}

# (language, query, relevant)
QUERIES: list[tuple[str, str, set[str]]] = [
    # Italian
    ("it", "casa", HOUSING),
    ("it", "case in affitto", HOUSING),
    ("it", "sportelo casa", {"sportello-casa"}),
    ("it", "corsi di italiano", ITALIAN),
    ("it", "corso italiano mamme", {"italiano-donne"}),
    ("it", "lavoro", WORK),
    ("it", "tirocinio", {"tirocini"}),
    ("it", "debiti", DEBT),
    ("it", "medico", DOCTOR),
    ("it", "dentista medico", DOCTOR),
    ("it", "cittadinanza italiana", CITIZENSHIP),
    ("it", "doposcuola", {"doposcuola"}),
    ("it", "aiuto compiti", {"doposcuola"}),
    ("it", "ricongiungimento famigliare", {"ricongiungimento"}),
    ("it", "consulenza legale", LEGAL),
    ("it", "avvocato consulenza legale", LEGAL),
    ("it", "traduzione", {"interpretariato"}),
    ("it", "microcredito", {"microcredito"}),
    ("it", "conto in banca", {"banca-rimesse"}),
    ("it", "mediazone", MEDIATION),
    ("it", "l'agenzia per l'abitare", {"agenzia-abitare"}),
    ("it", "psicologo", {"etnopsichiatria"}),
    ("it", "sportello lavoro donne", {"sportello-lavoro-donne"}),
    # English
    ("en", "housing", HOUSING),
    ("en", "houses to rent", HOUSING),
    ("en", "italian courses", ITALIAN),
    ("en", "jobs", WORK),
    ("en", "debt advise", DEBT),
    ("en", "citizenship", CITIZENSHIP),
    ("en", "homework help", {"doposcuola"}),
    ("en", "legal advice lawyer", LEGAL),
    ("en", "interpreter", {"interpretariato"}),
    ("en", "pregnancy", {"percorso-nascita"}),
    ("en", "mediaton", MEDIATION),
    ("en", "women's work", {"sportello-lavoro-donne"}),
    ("en", "family reunification", {"ricongiungimento"}),
    # French
    ("fr", "logement", HOUSING),
    ("fr", "logements sociaux", {"housing-sociale"} | HOUSING),
    ("fr", "cours d'italien", ITALIAN),
    ("fr", "l'emploi", WORK),
    ("fr", "médecin", DOCTOR),
    ("fr", "medecin", DOCTOR),
    ("fr", "surendetement", DEBT),
    ("fr", "citoyenneté", CITIZENSHIP),
    ("fr", "aide aux devoirs", {"doposcuola"}),
    ("fr", "regroupement familial", {"ricongiungimento"}),
    ("fr", "conseil juridique", LEGAL),
    ("fr", "médiation à l'école", {"mediazione-scuola"}),
    ("fr", "traductions", {"interpretariato"}),
    # Spanish (service names only: the descriptions are in Italian)
    ("es", "vivienda", HOUSING),
    ("es", "viviendas", HOUSING),
    ("es", "curso de italiano", ITALIAN),
    ("es", "empleo", WORK),
    ("es", "médico", DOCTOR),
    ("es", "asesoria juridica", LEGAL),
    ("es", "ciudadania", CITIZENSHIP),
    ("es", "mediacion escuela", {"mediazione-scuola"}),
    # Arabic: with and without the article, alef with or without hamza, taa marbuta typed as haa
    ("ar", "السكن", HOUSING),
    ("ar", "سكن", HOUSING),
    ("ar", "الطبيب", DOCTOR),
    ("ar", "طبيب", DOCTOR),
    ("ar", "النساء", {"sportello-lavoro-donne"}),
    ("ar", "الوساطة", MEDIATION),
    ("ar", "وساطة", MEDIATION),
    ("ar", "الجنسية", CITIZENSHIP),
    ("ar", "الديون", DEBT),
    ("ar", "دورة اللغة الايطالية", ITALIAN),
    ("ar", "المدرسة", SCHOOL),
    ("ar", "العائلات", FAMILY),
    ("ar", "الاسره", {"centro-famiglia"} | FAMILY),
    ("ar", "استشارة قانونيه", LEGAL),
    # Ukrainian (service names only): case endings
    ("uk", "житло", HOUSING),
    ("uk", "житла", HOUSING),
    ("uk", "курси італійської", ITALIAN),
    ("uk", "лікар", DOCTOR),
    ("uk", "школа", SCHOOL),
    ("uk", "борги", DEBT),
    ("uk", "посередництво", MEDIATION),
    ("uk", "громадянство", CITIZENSHIP),
    ("uk", "робота", WORK),
    # Romanian (service names only)
    ("ro", "locuință", HOUSING),
    ("ro", "locuinta", HOUSING),
    ("ro", "curs de italiana", ITALIAN),
    ("ro", "medicul", DOCTOR),
    ("ro", "imigratie", {"sportello-immigrazione"}),
    ("ro", "cetatenie", CITIZENSHIP),
    ("ro", "mediere scoala", {"mediazione-scuola"}),
    # Albanian (service names only)
    ("sq", "strehim", HOUSING),
    ("sq", "kurs italishteje", ITALIAN),
    ("sq", "punë", WORK),
    ("sq", "shkolle", SCHOOL),
    ("sq", "mjekut", DOCTOR),
    ("sq", "borxhet", DEBT),
    # Chinese (service names only)
    ("zh-hans", "住房", HOUSING),
    ("zh-hans", "意大利语课程", ITALIAN),
    ("zh-hans", "医生", DOCTOR),
    ("zh-hans", "法律咨询", LEGAL),
    ("zh-hans", "调解", MEDIATION),
    ("zh-hans", "就业", WORK),
]
