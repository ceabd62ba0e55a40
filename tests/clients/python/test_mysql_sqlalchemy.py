"""SQLAlchemy 2.0 over mysql+pymysql and mysql+mysqlconnector against rosettad: Core and
ORM CRUD, metadata.create_all, reflection through inspect()."""
import pytest
from sqlalchemy import (Column, ForeignKey, Integer, MetaData, String, Table, create_engine, inspect, select,
                        text)
from sqlalchemy.exc import IntegrityError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

DRIVERS = ["pymysql", "mysqlconnector"]


def engine_for(server, driver):
    url = f"mysql+{driver}://demo:demo@127.0.0.1:{server.mysql_port}/demo"
    args = {"ssl_disabled": True} if driver == "mysqlconnector" else {}
    return create_engine(url, connect_args=args)


@pytest.mark.parametrize("driver", DRIVERS)
def test_core_crud_and_create_all(server, driver):
    eng = engine_for(server, driver)
    md = MetaData()
    t = Table(f"sa_core_{driver}", md,
              Column("id", Integer, primary_key=True, autoincrement=True),
              Column("name", String(40), nullable=False, unique=True),
              Column("qty", Integer))
    md.drop_all(eng)
    md.create_all(eng)
    with eng.begin() as conn:
        r = conn.execute(t.insert().values(name="a", qty=1))
        assert r.inserted_primary_key[0] >= 1
        conn.execute(t.insert(), [{"name": "b", "qty": 2}, {"name": "c", "qty": 3}])
    with eng.connect() as conn:
        rows = conn.execute(select(t.c.name, t.c.qty).order_by(t.c.name)).all()
        assert [tuple(r) for r in rows] == [("a", 1), ("b", 2), ("c", 3)]
    with eng.begin() as conn:
        assert conn.execute(t.update().where(t.c.name == "b").values(qty=20)).rowcount == 1
        assert conn.execute(t.delete().where(t.c.name == "c")).rowcount == 1
    with eng.connect() as conn:
        assert conn.execute(select(t.c.qty).where(t.c.name == "b")).scalar() == 20
        assert conn.execute(text("SELECT COUNT(*) FROM " + t.name)).scalar() == 2
    # a rolled-back transaction leaves nothing behind
    with eng.connect() as conn:
        trans = conn.begin()
        conn.execute(t.insert().values(name="z", qty=0))
        trans.rollback()
        assert conn.execute(select(t.c.name).where(t.c.name == "z")).first() is None
    with pytest.raises(IntegrityError) as e:
        with eng.begin() as conn:
            conn.execute(t.insert().values(name="a", qty=9))
    assert e.value.orig.args[0] == 1062
    with pytest.raises(ProgrammingError):
        with eng.connect() as conn:
            conn.execute(text("SELECT * FROM sa_missing_table"))
    md.drop_all(eng)
    eng.dispose()


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "sa_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Book(Base):
    __tablename__ = "sa_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    author_id: Mapped[int] = mapped_column(ForeignKey("sa_author.id"))
    author: Mapped[Author] = relationship(back_populates="books")


@pytest.mark.parametrize("driver", DRIVERS)
def test_orm_crud(server, driver):
    eng = engine_for(server, driver)
    Base.metadata.drop_all(eng)
    Base.metadata.create_all(eng)
    with Session(eng) as s:
        a = Author(name="Ursula", books=[Book(title="Earthsea"), Book(title="Lathe")])
        s.add(a)
        s.commit()
        assert a.id is not None and all(b.id for b in a.books)
        aid = a.id
    with Session(eng) as s:
        a = s.get(Author, aid)
        assert sorted(b.title for b in a.books) == ["Earthsea", "Lathe"]
        a.name = "Ursula K."
        a.books.pop(0)
        s.commit()
    with Session(eng) as s:
        a = s.scalars(select(Author).where(Author.name == "Ursula K.")).one()
        assert len(a.books) == 1
        s.delete(a)
        s.commit()
        assert s.scalar(select(Book.id).limit(1)) is None
    Base.metadata.drop_all(eng)
    eng.dispose()


@pytest.mark.parametrize("driver", DRIVERS)
def test_reflection(server, driver):
    eng = engine_for(server, driver)
    md = MetaData()
    Table(f"sa_refl_{driver}", md,
          Column("id", Integer, primary_key=True),
          Column("label", String(30), nullable=False))
    md.drop_all(eng)
    md.create_all(eng)
    insp = inspect(eng)
    assert f"sa_refl_{driver}" in insp.get_table_names()
    cols = {c["name"]: c for c in insp.get_columns(f"sa_refl_{driver}")}
    assert set(cols) == {"id", "label"}
    assert cols["label"]["nullable"] is False
    assert isinstance(cols["label"]["type"], String) and cols["label"]["type"].length == 30
    assert insp.get_pk_constraint(f"sa_refl_{driver}")["constrained_columns"] == ["id"]
    reflected = Table(f"sa_refl_{driver}", MetaData(), autoload_with=eng)
    assert [c.name for c in reflected.columns] == ["id", "label"]
    md.drop_all(eng)
    eng.dispose()
