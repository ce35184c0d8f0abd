@echo off
setlocal
rem 用法：把工作文件夹拖到本文件的图标上，模板生成在其中的“模板”文件夹。
set "ZJK=%~dp0.venv\Scripts\zjkcollect.exe"
if not exist "%ZJK%" goto notinstalled
set "TARGET=%~f1"
if not "%~1"=="" goto havefolder
set /p "TARGET=请把工作文件夹拖到这个窗口里，然后按回车："
set "TARGET=%TARGET:"=%"
:havefolder
set "DIR=%TARGET%"
:find
if exist "%DIR%\活动配置.toml" goto found
for %%P in ("%DIR%\..") do set "UP=%%~fP"
if /i "%UP%"=="%DIR%" goto notfound
set "DIR=%UP%"
goto find
:found
cd /d "%DIR%"
"%ZJK%" make-templates
if errorlevel 1 goto done
set /p "EACH=要不要再为每个报送单位各生成一套已填好单位名称的模板？输入 y 后回车表示要，直接回车表示不要："
if /i "%EACH%"=="y" "%ZJK%" make-templates --per-reporter
start "" "%DIR%\模板"
:done
echo.
pause
exit /b 0

:notfound
echo 这里不是工作文件夹（其中没有“活动配置.toml”）。请先双击“新建工作文件夹.bat”建立工作文件夹。
pause
exit /b 2

:notinstalled
echo 还没有安装：请先双击“安装.bat”。
pause
exit /b 2
