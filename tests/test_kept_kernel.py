"""The kernel kept for report after report (pipelines.report.kept): each notebook starts from a clean
state whatever ran before it, a dead kernel is replaced, and a report made on a kept kernel is byte
for byte the one a kernel of its own gives. Real kernels, real papermill; small notebooks written
here, plus one real fact sheet on the shared processed data of the sample (`processed_sample`)."""

import os

import nbformat
import pytest

from pipelines.core import outputs
from pipelines.report import kept, notebooks


def _notebook(folder, name, *cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('flag = ""', metadata={"tags": ["parameters"]}),
                *(nbformat.v4.new_code_cell(source) for source in cells)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, path)
    return path


@pytest.fixture()
def kernel():
    yield
    kept.stop()


POLLUTE = ("import os, sys, warnings, random, matplotlib\n"
           "import matplotlib.pyplot as plt\n"
           "left_behind = 42\n"
           "matplotlib.rcParams['font.size'] = 31\n"
           "plt.figure()\n"
           "os.environ['LEFT_BEHIND'] = 'yes'\n"
           "sys.path.append('/nowhere')\n"
           "warnings.simplefilter('error')\n"
           "random.seed(7)\n"
           "os.chdir('/')")
CHECK = ("import os, sys, warnings, matplotlib\n"
         "import matplotlib.pyplot as plt\n"
         "print('left_behind' in globals(), matplotlib.rcParams['font.size'], len(plt.get_fignums()),\n"
         "      os.environ.get('LEFT_BEHIND'), '/nowhere' in sys.path, warnings.filters[0][0] == 'error',\n"
         "      os.getcwd() == os.path.realpath(flag))")


def test_a_notebook_finds_nothing_the_one_before_left_behind(tmp_path, kernel):
    polluter, checker = _notebook(tmp_path, "a.ipynb", POLLUTE), _notebook(tmp_path, "b.ipynb", CHECK)
    notebooks.execute(polluter, {"flag": ""}, cwd=tmp_path)
    done = notebooks.execute(checker, {"flag": str(tmp_path)}, cwd=tmp_path)
    check = done.cells[-1]
    assert check.outputs[0]["text"] == "False 10.0 0 None False False True\n"
    assert [cell.execution_count for cell in done.cells] == [1, 2, 3]  # a new session: counting starts at 1


def test_the_same_kernel_serves_the_next_notebook_and_a_dead_one_is_replaced(tmp_path, kernel):
    pid = _notebook(tmp_path, "pid.ipynb", "import os\nprint(os.getpid())")
    dies = _notebook(tmp_path, "dies.ipynb", "import os\nos._exit(1)")
    first = notebooks.execute(pid, {}, cwd=tmp_path).cells[-1].outputs[0]["text"]
    again = notebooks.execute(pid, {}, cwd=tmp_path).cells[-1].outputs[0]["text"]
    assert first == again
    with pytest.raises(Exception):
        notebooks.execute(dies, {}, cwd=tmp_path)
    after = notebooks.execute(pid, {}, cwd=tmp_path).cells[-1].outputs[0]["text"]
    assert after != first and after.strip().isdigit()


def test_stop_ends_the_kernel_process(tmp_path, kernel):
    pid = _notebook(tmp_path, "pid.ipynb", "import os\nprint(os.getpid())")
    kernel_pid = int(notebooks.execute(pid, {}, cwd=tmp_path).cells[-1].outputs[0]["text"])
    kept.stop()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(kernel_pid, 0)
            import time
            time.sleep(0.1)


def test_a_fact_sheet_on_a_kept_kernel_is_the_one_a_fresh_kernel_gives(processed_sample, kernel):
    work = processed_sample.parent
    parameters = {"period": "2024", "unit": "06847", "data_dir": "data", "lang": "vi", "edition": "internal"}
    notebooks.execute("03-indicator-catalogue.ipynb", {"period": "2024", "lang": "vi", "data_dir": "data"}, cwd=work)
    warm = notebooks.execute("04-commune-factsheet.ipynb", parameters, cwd=work)
    fresh = notebooks.execute("04-commune-factsheet.ipynb", parameters, cwd=work, fresh=True)
    assert nbformat.writes(outputs.scrub_run_times(warm)) == nbformat.writes(outputs.scrub_run_times(fresh))
