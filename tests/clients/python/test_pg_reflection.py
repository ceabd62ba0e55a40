"""SQLAlchemy 2.0's PostgreSQL reflection (inspect(), MetaData.reflect()) against rosettad.

The dialect's reflection queries use arrays throughout (`= ANY (ARRAY[..])`,
array_agg(.. ORDER BY ..), unnest/generate_subscripts in a SELECT list,
CAST(.. AS REGCLASS), json_build_object); each test reflects tables it
created and checks the structure SQLAlchemy rebuilds from the answers.
"""
import psycopg2
import pytest
import sqlalchemy as sa


@pytest.fixture(scope="module")
def engine(server):
    conn = psycopg2.connect(server.dsn())
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute("create table refl_author (id serial primary key, email varchar(80) not null unique,"
                " name text, rating float8 default 2.5)")
    cur.execute("create table refl_book (isbn varchar(13) primary key,"
                " author_id integer not null references refl_author(id) on delete cascade,"
                " title varchar(200) not null, pages integer, created date)")
    cur.execute("create index refl_book_title_idx on refl_book (title)")
    cur.execute("create unique index refl_book_author_title on refl_book (author_id, title)")
    eng = sa.create_engine(f"postgresql+psycopg2://demo:demo@127.0.0.1:{server.pg_port}/demo")
    yield eng
    eng.dispose()
    cur.execute("drop table refl_book")
    cur.execute("drop table refl_author")
    conn.close()


def test_table_names(engine):
    names = sa.inspect(engine).get_table_names()
    assert {"refl_author", "refl_book"} <= set(names)


def test_columns_types_nullability_defaults(engine):
    cols = {c["name"]: c for c in sa.inspect(engine).get_columns("refl_author")}
    assert list(cols) == ["id", "email", "name", "rating"]
    assert isinstance(cols["id"]["type"], sa.INTEGER)
    assert cols["id"]["autoincrement"] is True
    assert cols["id"]["default"] == "nextval('refl_author_id_seq'::regclass)"
    assert isinstance(cols["email"]["type"], sa.VARCHAR) and cols["email"]["type"].length == 80
    assert cols["email"]["nullable"] is False
    assert isinstance(cols["name"]["type"], sa.TEXT) and cols["name"]["nullable"] is True
    assert isinstance(cols["rating"]["type"], sa.Float) and cols["rating"]["default"] == "2.5"
    book = {c["name"]: c for c in sa.inspect(engine).get_columns("refl_book")}
    assert isinstance(book["created"]["type"], sa.DATE)
    assert book["title"]["nullable"] is False and book["pages"]["nullable"] is True


def test_primary_keys(engine):
    insp = sa.inspect(engine)
    assert insp.get_pk_constraint("refl_author")["constrained_columns"] == ["id"]
    pk = insp.get_pk_constraint("refl_book")
    assert pk["constrained_columns"] == ["isbn"] and pk["name"] == "refl_book_pkey"


def test_foreign_keys(engine):
    fks = sa.inspect(engine).get_foreign_keys("refl_book")
    assert len(fks) == 1
    fk = fks[0]
    assert fk["constrained_columns"] == ["author_id"]
    assert fk["referred_table"] == "refl_author" and fk["referred_columns"] == ["id"]
    assert fk["options"].get("ondelete") == "CASCADE"
    assert sa.inspect(engine).get_foreign_keys("refl_author") == []


def test_unique_constraints_and_indexes(engine):
    insp = sa.inspect(engine)
    uniques = insp.get_unique_constraints("refl_author")
    assert [(u["name"], u["column_names"]) for u in uniques] == [("refl_author_email_key", ["email"])]
    idx = {i["name"]: i for i in insp.get_indexes("refl_book")}
    assert idx["refl_book_title_idx"]["column_names"] == ["title"]
    assert idx["refl_book_title_idx"]["unique"] is False
    assert idx["refl_book_author_title"]["column_names"] == ["author_id", "title"]
    assert idx["refl_book_author_title"]["unique"] is True


def test_metadata_reflect_rebuilds_tables(engine):
    md = sa.MetaData()
    md.reflect(engine, only=["refl_author", "refl_book"])
    book = md.tables["refl_book"]
    author = md.tables["refl_author"]
    assert [c.name for c in book.primary_key.columns] == ["isbn"]
    fk = next(iter(book.c.author_id.foreign_keys))
    assert fk.column is author.c.id
    with engine.begin() as conn:
        conn.execute(author.insert().values(email="a@x.org", name="A"))
        aid = conn.execute(sa.select(author.c.id).where(author.c.email == "a@x.org")).scalar_one()
        conn.execute(book.insert().values(isbn="9780000000001", author_id=aid, title="T", pages=10))
        got = conn.execute(sa.select(book.c.title, author.c.name).join(author)).all()
    assert got == [("T", "A")]


def test_array_values_reach_psycopg2_as_lists(server):
    conn = psycopg2.connect(server.dsn())
    cur = conn.cursor()
    cur.execute("select array[1, 2, 3], array['a', 'b c', NULL], 2 = any(array[1, 2]), 5 <> all(%s),"
                " (array[5, 6, 7])[2]", ([1, 2],))
    assert cur.fetchone() == ([1, 2, 3], ["a", "b c", None], True, True, 6)
    cur.execute("select array(select relname from pg_class where relname like 'refl_%%' and relkind = 'r'"
                " order by relname desc)")
    assert cur.fetchone()[0] == ["refl_book", "refl_author"]
    cur.execute("select u, g from (select unnest(array[10, 20, 30]) as u,"
                " generate_subscripts(array[10, 20, 30], 1) as g) s order by g")
    assert cur.fetchall() == [(10, 1), (20, 2), (30, 3)]
    cur.execute("select array_agg(v order by v desc), array_to_string(array['x', 'y'], '-') from (values (1), (3), (2)) t(v)")
    assert cur.fetchone() == ([3, 2, 1], "x-y")
    conn.close()
