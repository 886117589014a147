import subprocess
import sys


def test_import_and_help_do_not_load_the_heavy_libraries():
    code = ("import sys, xieshang, xieshang.cli; "
            "heavy = [m for m in ('pandas', 'sklearn', 'matplotlib', 'scipy') if m in sys.modules]; "
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_public_names_resolve_lazily():
    import xieshang
    import xieshang.explain  # importing the module first must not hide the function

    for name in xieshang.__all__:
        assert getattr(xieshang, name) is not None
    assert callable(xieshang.explain) and callable(xieshang.train)
    assert set(xieshang.__all__) <= set(dir(xieshang))
